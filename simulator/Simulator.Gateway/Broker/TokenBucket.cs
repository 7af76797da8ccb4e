namespace Simulator.Gateway.Broker;

/// <summary>
/// A rate limit of N per second with a burst of N; 0 means unlimited. Time is the gateway's
/// <see cref="TimeProvider"/>, so a test can hold it still or move it on. Thread-safe.
/// </summary>
internal sealed class TokenBucket
{
    private readonly double _rate;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private double _tokens;
    private long _last;

    public TokenBucket(int perSecond, TimeProvider time)
    {
        _rate = perSecond;
        _tokens = perSecond;
        _time = time;
        _last = time.GetTimestamp();
    }

    /// <summary>Full again: idle for a whole second, so forgetting it changes nothing.</summary>
    public bool IsFull
    {
        get
        {
            lock (_gate)
            {
                return _rate <= 0 || _tokens + Refill(_time.GetTimestamp()) >= _rate;
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
            var now = _time.GetTimestamp();
            _tokens = Math.Min(_rate, _tokens + Refill(now));
            _last = now;
            if (_tokens < 1)
            {
                return false;
            }

            _tokens -= 1;
            return true;
        }
    }

    private double Refill(long now) => (now - _last) * _rate / _time.TimestampFrequency;
}
