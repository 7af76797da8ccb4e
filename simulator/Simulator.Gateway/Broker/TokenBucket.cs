using System.Diagnostics;

namespace Simulator.Gateway.Broker;

/// <summary>A rate limit of N per second with a burst of N; 0 means unlimited. Thread-safe.</summary>
internal sealed class TokenBucket
{
    private readonly double _rate;
    private readonly Lock _gate = new();
    private double _tokens;
    private long _last = Stopwatch.GetTimestamp();

    public TokenBucket(int perSecond)
    {
        _rate = perSecond;
        _tokens = perSecond;
    }

    /// <summary>Full again: idle for a whole second, so forgetting it changes nothing.</summary>
    public bool IsFull
    {
        get
        {
            lock (_gate)
            {
                return _rate <= 0 || _tokens + ((Stopwatch.GetTimestamp() - _last) * _rate / Stopwatch.Frequency) >= _rate;
            }
        }
    }

    public bool TryTake()
    {
        if (_rate <= 0)
        {
            return true;
        }

        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            _tokens = Math.Min(_rate, _tokens + ((now - _last) * _rate / Stopwatch.Frequency));
            _last = now;
            if (_tokens < 1)
            {
                return false;
            }

            _tokens -= 1;
            return true;
        }
    }
}
