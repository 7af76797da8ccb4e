using Simulator.Core.Histograms;
using Simulator.Core.Metrics;
using Simulator.Gateway.Config;

namespace Simulator.Gateway.Auth;

/// <summary>
/// Runs an authorizer the way Lambda runs a function (see <see cref="LambdaOptions"/>): at most
/// <c>concurrency</c> invocations at once (one per instance), or without a reservation as many as
/// the account's shared pool has free; each takes a warm instance if one is idle or pays a cold
/// start for a new one, and new instances come at most <c>scaleUpPer10Seconds</c> in each 10 s, as
/// Lambda scales; each invocation has a drawn duration and a timeout. Warm instances are reused most
/// recently used first, so idle ones at the back expire, as Lambda's do.
/// </summary>
public sealed class LambdaFunction : IAuthorizer
{
    // z of the 99th percentile of the standard normal: sigma of a log-normal with these p50 and p99.
    private const double Z99 = 2.3263478740408408;
    private readonly IAuthorizer _inner;
    private readonly LambdaOptions _options;
    private readonly TimeProvider _time;
    private readonly double _sigma;
    private readonly Lock _gate = new();
    private readonly LinkedList<long> _idleSince = new(); // idle warm instances, oldest first, by release time
    private readonly LatencyHistogram _durations = new();
    private int _inFlight;
    private int _peakInFlight;
    private long _invocations;
    private long _throttles;
    private long _coldStarts;
    private long _timeouts;
    private long _refreshInvocations;
    private long _scalingThrottles;
    private long _accountThrottles;
    private readonly LambdaAccount? _account;
    private long _windowStart = long.MinValue; // the current 10 s of the scaling rate, on the gateway's clock
    private int _newInWindow;

    /// <param name="account">The account's shared concurrency; null (or a reserved concurrency) leaves the function out of it.</param>
    public LambdaFunction(string name, IAuthorizer inner, LambdaOptions options, TimeProvider time, LambdaAccount? account = null)
    {
        Name = name;
        _inner = inner;
        _options = options;
        _time = time;
        _account = options.Concurrency > 0 ? null : account;
        _sigma = options.DurationP50Ms > 0 && options.DurationP99Ms > options.DurationP50Ms
            ? Math.Log(options.DurationP99Ms / options.DurationP50Ms) / Z99
            : 0;
    }

    public string Name { get; }

    public LambdaOptions Options => _options;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The most invocations in flight at once since the last call, then starts again from those in flight now: a sampler's peak, which a reading of <see cref="InFlight"/> each second would miss.</summary>
    public int TakePeakInFlight()
    {
        lock (_gate)
        {
            var peak = _peakInFlight;
            _peakInFlight = _inFlight;
            return peak;
        }
    }

    public long Invocations => Interlocked.Read(ref _invocations);

    public long RefreshInvocations => Interlocked.Read(ref _refreshInvocations);

    /// <summary>Every throttled invocation: over the reserved concurrency, the scaling rate or the account's pool.</summary>
    public long Throttles => Interlocked.Read(ref _throttles);

    /// <summary>Throttled because no idle instance was left and the function had added its new instances for this 10 s.</summary>
    public long ScalingThrottles => Interlocked.Read(ref _scalingThrottles);

    /// <summary>Throttled because the account's shared concurrency was all in use.</summary>
    public long AccountThrottles => Interlocked.Read(ref _accountThrottles);

    public long ColdStarts => Interlocked.Read(ref _coldStarts);

    public long Timeouts => Interlocked.Read(ref _timeouts);

    /// <summary>Instances alive now: busy plus idle warm ones not yet expired.</summary>
    public int Instances
    {
        get
        {
            lock (_gate)
            {
                Expire(_time.GetTimestamp());
                return _inFlight + _idleSince.Count;
            }
        }
    }

    public double DurationPercentileMs(double p) => _durations.Count == 0 ? 0 : _durations.Percentile(p) / 1000.0;

    public Task<AuthorizerResponse> InvokeAsync(AuthorizerEvent authEvent, CancellationToken cancellationToken) => InvokeAsync(authEvent, refresh: false, 0, cancellationToken);

    /// <summary>
    /// One invocation; <paramref name="refresh"/> counts it as a policy refresh rather than a connect.
    /// <paramref name="extraMs"/> (an injected slowdown) is added to the drawn duration: it holds the
    /// instance, and past the timeout the invocation times out, as a slow function does.
    /// </summary>
    /// <exception cref="LambdaThrottledException">All of the function's concurrency is in use.</exception>
    /// <exception cref="LambdaTimeoutException">The invocation ran past the timeout.</exception>
    public async Task<AuthorizerResponse> InvokeAsync(AuthorizerEvent authEvent, bool refresh, int extraMs, CancellationToken cancellationToken)
    {
        bool cold;
        lock (_gate)
        {
            if (_options.Concurrency > 0 && _inFlight >= _options.Concurrency)
            {
                _throttles++;
                throw new LambdaThrottledException(Name, $"all {_options.Concurrency} reserved concurrent invocations in use");
            }

            var now = _time.GetTimestamp();
            Expire(now);
            cold = _idleSince.Count == 0;
            if (cold && _options.ScaleUpPer10Seconds > 0)
            {
                // Lambda adds at most this many execution environments every 10 s (fixed windows here).
                if (_windowStart == long.MinValue || now - _windowStart >= 10 * _time.TimestampFrequency)
                {
                    _windowStart = now;
                    _newInWindow = 0;
                }

                if (_newInWindow >= _options.ScaleUpPer10Seconds)
                {
                    _throttles++;
                    _scalingThrottles++;
                    throw new LambdaThrottledException(Name, $"no idle instance, and {_options.ScaleUpPer10Seconds} new ones started in these 10 s (Lambda's scaling rate)");
                }
            }

            if (_account is not null && !_account.TryTake())
            {
                _throttles++;
                _accountThrottles++;
                throw new LambdaThrottledException(Name, $"the account's {_account.Available} unreserved concurrent executions in use");
            }

            if (cold)
            {
                _newInWindow++;
            }
            else
            {
                _idleSince.RemoveLast(); // the most recently used instance
            }

            _inFlight++;
            _peakInFlight = Math.Max(_peakInFlight, _inFlight);
        }

        Interlocked.Increment(ref _invocations);
        if (refresh)
        {
            Interlocked.Increment(ref _refreshInvocations);
        }

        if (cold)
        {
            Interlocked.Increment(ref _coldStarts);
        }

        // The duration, the cold start and the timeout all run on the gateway's clock.
        var t0 = _time.GetTimestamp();
        using var limit = new CancellationTokenSource(TimeSpan.FromMilliseconds(_options.TimeoutMs), _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        try
        {
            var added = Draw() + (cold ? _options.ColdStartMs : 0) + extraMs;
            if (added > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(added), _time, timeout.Token).ConfigureAwait(false);
            }

            return await _inner.InvokeAsync(authEvent, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _timeouts);
            throw new LambdaTimeoutException(Name, _options.TimeoutMs);
        }
        finally
        {
            _durations.Record((long)(_time.GetElapsedTime(t0).TotalMilliseconds * 1000));
            lock (_gate)
            {
                _inFlight--;
                _idleSince.AddLast(_time.GetTimestamp());
            }

            _account?.Release();
        }
    }

    /// <summary>Drops instances idle longer than the expiry (they sit at the front, oldest first).</summary>
    private void Expire(long now)
    {
        var expiry = (long)(_options.IdleExpirySeconds * _time.TimestampFrequency);
        while (_idleSince.First is { } oldest && now - oldest.Value > expiry)
        {
            _idleSince.RemoveFirst();
        }
    }

    /// <summary>A log-normal draw with the configured median and 99th percentile.</summary>
    private double Draw()
    {
        if (_options.DurationP50Ms <= 0)
        {
            return 0;
        }

        if (_sigma == 0)
        {
            return _options.DurationP50Ms;
        }

        // Box-Muller: one standard normal from two uniforms.
        var u1 = 1.0 - Random.Shared.NextDouble();
        var u2 = Random.Shared.NextDouble();
        var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return _options.DurationP50Ms * Math.Exp(_sigma * z);
    }
}
