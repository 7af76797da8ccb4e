using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Simulator.Core.Metrics;

/// <summary>
/// Everything a run measures: a histogram per phase (whole run), per-second counters and a
/// per-second connect histogram, and failures by name. Thread-safe; the same figures are
/// published as System.Diagnostics.Metrics instruments (meter "Simulator.Run") for dotnet-counters.
/// </summary>
public sealed class RunMetrics : IDisposable
{
    private readonly LogLinearHistogram[] _phases = [.. Enumerable.Range(0, Enum.GetValues<Phase>().Length).Select(_ => new LogLinearHistogram())];
    private readonly ConcurrentDictionary<string, long> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _drops = new(StringComparer.Ordinal);
    private readonly Meter _meter = new("Simulator.Run");
    private readonly Counter<long> _connects;
    private readonly Counter<long> _publishes;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _connectMs;
    private LogLinearHistogram _secondConnect = new();
    private ConcurrentDictionary<string, long> _secondErrors = new(StringComparer.Ordinal);
    private long _attempts;
    private long _successes;
    private long _publishCount;
    private long _pubAckCount;
    private long _receivedCount;
    private long _secConnectsOk;
    private long _secConnectsFailed;
    private long _secPublishes;
    private long _secPubAcks;
    private long _secReceived;
    private long _secDrops;

    public RunMetrics()
    {
        _connects = _meter.CreateCounter<long>("simulator.connects", description: "successful connects");
        _publishes = _meter.CreateCounter<long>("simulator.publishes");
        _errors = _meter.CreateCounter<long>("simulator.errors", description: "failed attempts by class");
        _connectMs = _meter.CreateHistogram<double>("simulator.connect.duration", "ms");
    }

    public long Attempts => Interlocked.Read(ref _attempts);

    public long Successes => Interlocked.Read(ref _successes);

    public long Publishes => Interlocked.Read(ref _publishCount);

    public long PubAcks => Interlocked.Read(ref _pubAckCount);

    public long Received => Interlocked.Read(ref _receivedCount);

    public IReadOnlyDictionary<string, long> Failures => _failures;

    public IReadOnlyDictionary<string, long> Drops => _drops;

    public LogLinearHistogram this[Phase phase] => _phases[(int)phase];

    public void Record(Phase phase, double milliseconds)
    {
        if (double.IsNaN(milliseconds))
        {
            return;
        }

        _phases[(int)phase].Record((long)(milliseconds * 1000));
    }

    public void ConnectSucceeded(double totalMs)
    {
        Interlocked.Increment(ref _attempts);
        Interlocked.Increment(ref _successes);
        Interlocked.Increment(ref _secConnectsOk);
        Record(Phase.Connect, totalMs);
        Volatile.Read(ref _secondConnect).Record((long)(totalMs * 1000));
        _connects.Add(1);
        _connectMs.Record(totalMs);
    }

    /// <summary>A failed attempt (token or connect), by its class name.</summary>
    public void AttemptFailed(string failure)
    {
        Interlocked.Increment(ref _attempts);
        Interlocked.Increment(ref _secConnectsFailed);
        _failures.AddOrUpdate(failure, 1, static (_, n) => n + 1);
        Volatile.Read(ref _secondErrors).AddOrUpdate(failure, 1, static (_, n) => n + 1);
        _errors.Add(1, new KeyValuePair<string, object?>("class", failure));
    }

    /// <summary>An established session that ended without being asked to.</summary>
    public void SessionDropped(string reason)
    {
        Interlocked.Increment(ref _secDrops);
        _drops.AddOrUpdate(reason, 1, static (_, n) => n + 1);
    }

    public void Published()
    {
        Interlocked.Increment(ref _publishCount);
        Interlocked.Increment(ref _secPublishes);
        _publishes.Add(1);
    }

    public void PubAcked(double ms)
    {
        Interlocked.Increment(ref _pubAckCount);
        Interlocked.Increment(ref _secPubAcks);
        Record(Phase.PubAck, ms);
    }

    public void ReceivedOwn(double ms)
    {
        Interlocked.Increment(ref _receivedCount);
        Interlocked.Increment(ref _secReceived);
        Record(Phase.EndToEnd, ms);
    }

    /// <summary>Takes the per-second counters and resets them for the next second.</summary>
    public (long ConnectsOk, long ConnectsFailed, long Publishes, long PubAcks, long Received, long Drops, LogLinearHistogram Connect, IReadOnlyDictionary<string, long> Errors) TakeSecond()
    {
        var connect = Interlocked.Exchange(ref _secondConnect, new LogLinearHistogram());
        var errors = Interlocked.Exchange(ref _secondErrors, new ConcurrentDictionary<string, long>(StringComparer.Ordinal));
        return (
            Interlocked.Exchange(ref _secConnectsOk, 0),
            Interlocked.Exchange(ref _secConnectsFailed, 0),
            Interlocked.Exchange(ref _secPublishes, 0),
            Interlocked.Exchange(ref _secPubAcks, 0),
            Interlocked.Exchange(ref _secReceived, 0),
            Interlocked.Exchange(ref _secDrops, 0),
            connect,
            errors);
    }

    public void Dispose() => _meter.Dispose();
}
