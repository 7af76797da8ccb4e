using System.Collections.Concurrent;
using Simulator.Core.Errors;
using Simulator.Core.Health;
using Simulator.Core.Histograms;

namespace Simulator.Core.Metrics;

/// <summary>
/// Everything a run measures: a histogram per phase (whole run), per-second counters and a
/// per-second connect histogram, and failures by name. Attempt outcomes are counted here, apart
/// from the attempts opened (counted by the supervisor), so the two can be checked against each
/// other. Thread-safe. It records and nothing else: the exported instruments (<see cref="RunInstruments"/>)
/// observe it, and the console and results read its totals and per-second counters.
/// </summary>
internal sealed partial class RunMetrics : IDeviceRecorder
{
    private readonly LatencyHistogram[] _phases = [.. Enumerable.Range(0, Enum.GetValues<Phase>().Length).Select(_ => new LatencyHistogram())];
    private readonly ConcurrentDictionary<string, long> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _drops = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _dropsByLastAction = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _crashes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StepCounter> _steps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _firstMessages = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _firstStacks = new(StringComparer.Ordinal);
    private readonly OutageDetector _outages = new(TimeSpan.FromSeconds(1));
    private LiveState? _live;
    private IRecordObserver? _observer;
    private LatencyHistogram _secondConnect = new();
    private ConcurrentDictionary<string, long> _secondErrors = new(StringComparer.Ordinal);
    private ConcurrentQueue<long>? _connectSamples;
    private long _successes;
    private long _failed;
    private long _interrupted;
    private long _publishCount;
    private long _pubAckCount;
    private long _receivedCount;
    private long _secConnectsOk;
    private long _secConnectsFailed;
    private long _secPublishes;
    private long _secPubAcks;
    private long _secReceived;
    private long _secDrops;
    private long _secWakes;
    private long _secDownlinksMissed;

    /// <summary>The latest per-second state, for the observable instruments (set by the engine each second).</summary>
    public void PublishState(long connecting, long connected, long backingOff, long givenUp, HealthSample health, int saturatedSeconds, long sleeping = 0) =>
        Volatile.Write(ref _live, new LiveState(connecting, connected, backingOff, givenUp, health, saturatedSeconds) { Sleeping = sleeping });

    /// <summary>The latest per-second state (devices by state, the generator's health), or null before the first second.</summary>
    internal LiveState? Live => Volatile.Read(ref _live);

    /// <summary>Told of each record as it happens (the run's exported instruments); null when nothing exports.</summary>
    public IRecordObserver? Observer
    {
        get => Volatile.Read(ref _observer);
        set => Volatile.Write(ref _observer, value);
    }

    /// <summary>Attempts that ended with an outcome: connected or failed (stops during an attempt are counted apart).</summary>
    public long Attempts => Successes + Failed;

    public long Successes => Interlocked.Read(ref _successes);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Attempts cut short because the run stopped the device.</summary>
    public long Interrupted => Interlocked.Read(ref _interrupted);

    /// <summary>Every outcome of every attempt: connected, failed or interrupted.</summary>
    public long AttemptOutcomes => Successes + Failed + Interrupted;

    public long Publishes => Interlocked.Read(ref _publishCount);

    public long PubAcks => Interlocked.Read(ref _pubAckCount);

    public long Received => Interlocked.Read(ref _receivedCount);

    public IReadOnlyDictionary<string, long> Failures => _failures;

    public IReadOnlyDictionary<string, long> Drops => _drops;

    /// <summary>Drops by "class after lastAction", e.g. "ClosedByServer after Publish".</summary>
    public IReadOnlyDictionary<string, long> DropsByLastAction => _dropsByLastAction;

    /// <summary>Devices whose task threw, by class.</summary>
    public IReadOnlyDictionary<string, long> Crashes => _crashes;

    /// <summary>The first message seen of each Unexpected class (secrets scrubbed).</summary>
    public IReadOnlyDictionary<string, string> FirstMessages => _firstMessages;

    /// <summary>Where each unexpected class was first thrown: its stack, and its inner exceptions', for a bug report (results' unexpected.txt).</summary>
    public IReadOnlyDictionary<string, string> FirstStacks => _firstStacks;

    /// <summary>Called once per Unexpected class, with the class and its first message (for the console).</summary>
    public Action<string, string>? OnFirstUnexpected { get; set; }

    public LatencyHistogram this[Phase phase] => _phases[(int)phase];

    /// <summary>Every successful connect's latency in µs, kept only when asked (run --connect-samples): the raw record an audit or a merge check can pool.</summary>
    public IReadOnlyCollection<long>? ConnectSamples => _connectSamples;

    public void KeepConnectSamples() => _connectSamples ??= new ConcurrentQueue<long>();

    public void Record(Phase phase, double milliseconds)
    {
        if (double.IsNaN(milliseconds))
        {
            return;
        }

        _phases[(int)phase].Record((long)(milliseconds * 1000));
        _observer?.Phase(phase, milliseconds);
    }

    /// <summary>What backend consumers got, counted as they get it.</summary>
    public DeliveryTally Deliveries { get; } = new();

    /// <summary>The consumers' figures once they drained; set by whoever ran them, null without consumers.</summary>
    public ConsumerTotals? Consumers { get; set; }

    /// <summary>Cloud-to-device commands, counted as they are sent and received.</summary>
    public CommandTally CommandCounts { get; } = new();

    /// <summary>The commands' figures once the backend stopped; null without commands.</summary>
    public CommandTotals? Commands { get; set; }

    public void CommandReceived(double ms)
    {
        CommandCounts.CountReceived();
        Record(Phase.Command, ms);
    }

    public void Step(string name, double milliseconds, string? failureClass)
    {
        if (!_steps.TryGetValue(name, out var counter))
        {
            counter = _steps.GetOrAdd(name, static _ => new StepCounter());
        }

        counter.Record(milliseconds, failureClass);
    }

    public void ConnectSucceeded(double totalMs)
    {
        Interlocked.Increment(ref _successes);
        Interlocked.Increment(ref _secConnectsOk);
        Record(Phase.Connect, totalMs);
        Volatile.Read(ref _secondConnect).Record((long)(totalMs * 1000));
        _connectSamples?.Enqueue((long)(totalMs * 1000));
        _observer?.Connected();
    }

    /// <summary>A failed attempt (token or connect), by its class name.</summary>
    public void AttemptFailed(string failure)
    {
        Interlocked.Increment(ref _failed);
        Interlocked.Increment(ref _secConnectsFailed);
        _failures.AddOrUpdate(failure, 1, static (_, n) => n + 1);
        Volatile.Read(ref _secondErrors).AddOrUpdate(failure, 1, static (_, n) => n + 1);
        _observer?.AttemptFailed(failure);
    }

    public void AttemptInterrupted() => Interlocked.Increment(ref _interrupted);

    /// <summary>Names an exception nobody expected (<c>Unexpected:&lt;Type&gt;</c>) and keeps its first message per class.</summary>
    public string Unexpected(Exception e)
    {
        var failureClass = "Unexpected:" + e.GetType().Name;
        var message = Secrets.Scrub(e.Message);
        if (_firstMessages.TryAdd(failureClass, message))
        {
            _firstStacks.TryAdd(failureClass, Stack(e));
            OnFirstUnexpected?.Invoke(failureClass, message);
        }

        return failureClass;
    }

    public void DeviceCrashed(string failureClass)
    {
        _crashes.AddOrUpdate(failureClass, 1, static (_, n) => n + 1);
        _observer?.Crashed(failureClass);
    }

    /// <summary>An established session that ended without being asked to: its class, what the client last did, and its age.</summary>
    public void SessionDropped(string reason, string lastAction = "None", double ageMs = double.NaN)
    {
        Interlocked.Increment(ref _secDrops);
        Record(Phase.SessionAgeAtDrop, ageMs);
        CommitDrop(reason, lastAction);
    }

    /// <summary>
    /// A session the server closed (ClosedByServer, ClosedAfterPublish, ClosedAfterSubscribe): it
    /// counts in this second's drops now, and gets its name once the fleet's view of that moment is
    /// in (<see cref="OutageDetector"/>): TargetClosedAll when it was one of a fleet-wide burst.
    /// </summary>
    public void ServerClosed(string reason, string lastAction, double ageMs)
    {
        Interlocked.Increment(ref _secDrops);
        Record(Phase.SessionAgeAtDrop, ageMs);
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        var born = double.IsNaN(ageMs) ? 0 : now - (long)(ageMs / 1000 * System.Diagnostics.Stopwatch.Frequency);
        _outages.Hold(new HeldClose(now, reason, lastAction, Volatile.Read(ref _live)?.Connected ?? 0, born));
    }

    /// <summary>Names the held server closes whose window has passed, or all of them (at the run's end, before its totals are read).</summary>
    public void SettleDrops(bool all = false) =>
        _outages.Settle(System.Diagnostics.Stopwatch.GetTimestamp(), all, (close, name) => CommitDrop(name, close.LastAction));

    private void CommitDrop(string reason, string lastAction)
    {
        _drops.AddOrUpdate(reason, 1, static (_, n) => n + 1);
        _dropsByLastAction.AddOrUpdate($"{reason} after {lastAction}", 1, static (_, n) => n + 1);
        _observer?.Dropped(reason);
    }

    public void Published()
    {
        Interlocked.Increment(ref _publishCount);
        Interlocked.Increment(ref _secPublishes);
        _observer?.Published();
    }

    public void PubAcked(double ms)
    {
        Interlocked.Increment(ref _pubAckCount);
        Interlocked.Increment(ref _secPubAcks);
        _observer?.PubAcked();
        Record(Phase.PubAck, ms);
    }

    public void ReceivedOwn(double ms)
    {
        Interlocked.Increment(ref _receivedCount);
        Interlocked.Increment(ref _secReceived);
        _observer?.Received();
        Record(Phase.EndToEnd, ms);
    }

    public void Woke() => Interlocked.Increment(ref _secWakes);

    public void DownlinkMissed() => Interlocked.Increment(ref _secDownlinksMissed);

    /// <summary>Takes the per-second counters and resets them for the next second.</summary>
    public SecondCounters TakeSecond()
    {
        var connect = Interlocked.Exchange(ref _secondConnect, new LatencyHistogram());
        var errors = Interlocked.Exchange(ref _secondErrors, new ConcurrentDictionary<string, long>(StringComparer.Ordinal));
        return new SecondCounters(
            Interlocked.Exchange(ref _secConnectsOk, 0),
            Interlocked.Exchange(ref _secConnectsFailed, 0),
            Interlocked.Exchange(ref _secPublishes, 0),
            Interlocked.Exchange(ref _secPubAcks, 0),
            Interlocked.Exchange(ref _secReceived, 0),
            Interlocked.Exchange(ref _secDrops, 0),
            connect,
            errors)
        {
            Wakes = Interlocked.Exchange(ref _secWakes, 0),
            DownlinksMissed = Interlocked.Exchange(ref _secDownlinksMissed, 0),
            Steps = TakeStepSeconds(),
            ConsumersReceived = Since(ref _lastDeliveries, Deliveries.Received),
            CommandsReceived = Since(ref _lastCommands, CommandCounts.Received),
        };
    }

    private long _lastDeliveries;
    private long _lastCommands;

    /// <summary>A running count's growth since the last second (seconds are taken by one caller at a time).</summary>
    private static long Since(ref long last, long now)
    {
        var delta = now - last;
        last = now;
        return delta;
    }

    private Dictionary<string, StepSecond> TakeStepSeconds()
    {
        var steps = new Dictionary<string, StepSecond>(StringComparer.Ordinal);
        foreach (var (name, counter) in _steps)
        {
            if (counter.TakeSecond() is { } second)
            {
                steps[name] = second;
            }
        }

        return steps;
    }

    /// <summary>Everything recorded so far, copied: the immutable totals reports and summaries are built from.</summary>
    public RunTotals Snapshot()
    {
        var histograms = new Dictionary<Phase, LatencyHistogram>();
        foreach (var phase in Enum.GetValues<Phase>())
        {
            var copy = new LatencyHistogram();
            copy.Merge(_phases[(int)phase]);
            histograms[phase] = copy;
        }

        return new RunTotals
        {
            Successes = Successes,
            Failed = Failed,
            Interrupted = Interrupted,
            Publishes = Publishes,
            PubAcks = PubAcks,
            Received = Received,
            Failures = new Dictionary<string, long>(_failures, StringComparer.Ordinal),
            Drops = new Dictionary<string, long>(_drops, StringComparer.Ordinal),
            DropsByLastAction = new Dictionary<string, long>(_dropsByLastAction, StringComparer.Ordinal),
            Crashes = new Dictionary<string, long>(_crashes, StringComparer.Ordinal),
            FirstMessages = new Dictionary<string, string>(_firstMessages, StringComparer.Ordinal),
            FirstStacks = new Dictionary<string, string>(_firstStacks, StringComparer.Ordinal),
            Histograms = histograms,
            Steps = _steps.ToDictionary(kv => kv.Key, kv => kv.Value.Snapshot(), StringComparer.Ordinal),
            Consumers = Consumers,
            Commands = Commands,
        };
    }

    /// <summary>Types, scrubbed messages and stack frames, inner exceptions too: frames name code, never data.</summary>
    private static string Stack(Exception e)
    {
        var sb = new System.Text.StringBuilder();
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            sb.Append(x == e ? string.Empty : "--- inner: ").Append(x.GetType().FullName).Append(": ").AppendLine(Secrets.Scrub(x.Message));
            sb.AppendLine(x.StackTrace ?? "   (no stack)");
        }

        return sb.ToString();
    }

}
