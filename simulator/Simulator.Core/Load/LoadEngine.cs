using System.Diagnostics;
using System.Threading.Channels;
using Simulator.Core.Health;
using Simulator.Core.Identity;
using Simulator.Core.Metrics;

namespace Simulator.Core.Load;

/// <summary>
/// The load engine, which knows nothing of hosting: an arrival thread starts and stops devices at
/// the plan's instants, a supervisor owns every device task, and once a second the engine takes a
/// census of the fleet (with its checks), the devices' counters and the generator's own health,
/// writes a <see cref="SecondRow"/> to a channel (the console reads it) and keeps it for the results in bounded memory (<see cref="SecondHistory"/>).
/// Cancellation stops every device gracefully; the outcome is still complete and says it was cancelled.
/// </summary>
internal sealed class LoadEngine
{
    internal static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);
    private readonly Profiles.RunOptions _options;
    private readonly RunMetrics _recorder;
    private readonly IReadOnlyList<DeviceIdentity> _devices;
    private readonly LoadPlan _plan;
    private readonly Func<DeviceIdentity, ISupervisedDevice> _factory;
    private readonly EngineGauges _gauges;

    /// <param name="options">The run's options: its plan, arrival mode and fleet seed (the arrival draw).</param>
    /// <param name="recorder">Where the devices record; the engine takes its seconds.</param>
    /// <param name="factory">Makes each arriving device (the run's scenario: <c>ScenarioFactory.Devices</c>).</param>
    /// <param name="phases">The plan, when it is not the profile's own (a capacity step's).</param>
    public LoadEngine(Profiles.RunOptions options, RunMetrics recorder, IReadOnlyList<DeviceIdentity> devices, Func<DeviceIdentity, ISupervisedDevice> factory, EngineGauges gauges, IReadOnlyList<Profiles.PhaseSettings>? phases = null)
    {
        _options = options;
        _recorder = recorder;
        _devices = devices;
        _plan = new LoadPlan(phases ?? options.Phases, devices.Count);
        _factory = factory;
        _gauges = gauges;
    }

    public LoadPlan Plan => _plan;

    /// <summary>Called with each row as its second closes (and with the final stop row), before the console sees it: the run folder streams them to disk.</summary>
    public Action<SecondRow>? RowClosed { get; set; }

    public Channel<SecondRow> Rows { get; } = Channel.CreateUnbounded<SecondRow>(new UnboundedChannelOptions { SingleWriter = true });

    /// <summary>Set by tests: records each arrival's due and actual start instants.</summary>
    public List<(long Due, long Started)>? ArrivalTrace { get; init; }

    /// <summary>Rows the outcome keeps one second each before neighbours are joined (<see cref="SecondHistory"/>); tests set it small.</summary>
    public int HistoryCapacity { get; init; } = SecondHistory.DefaultCapacity;

    /// <summary>The devices' radio links, which the plan's outages take down; null when the plan has none.</summary>
    public LinkFleet? Links { get; init; }

    /// <summary>
    /// Devices in service, as the connected share judges them: connected, and on a duty cycle also
    /// asleep or on a wake's connect (a device that fails backs off, and is not).
    /// </summary>
    private long InService(FleetCensus c) => c.Connected + c.Sleeping + (DutyCycled ? c.Connecting : 0);

    private long InService(SecondRow r) => r.Connected + r.Sleeping + (DutyCycled ? r.Connecting : 0);

    private bool DutyCycled => _options.Device.Scenario == Profiles.ScenarioKind.DutyCycle;

    public async Task<RunOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var pool = new IdentityPool(_devices);
        var supervisor = new DeviceSupervisor(_recorder, pool, _factory);
        var seed = _options.Fleet.RequiredSeed.StreamSeed("arrivals");
        long atHoldEnd = -1;
        var arrivals = new ArrivalScheduler(_plan, supervisor, _options.Arrivals, seed)
        {
            Trace = ArrivalTrace,
            SnapshotAt = _plan.LastHoldEndSecond,
            Snapshot = () => Interlocked.Exchange(ref atHoldEnd, InService(supervisor.Census())),
        };
        var planned = _plan.Events(_options.Arrivals, new Random(seed)).LongCount(e => e.Delta > 0);
        var health = new GeneratorHealth(_gauges.SchedulerLag, _gauges.Fds);
        var started = DateTimeOffset.UtcNow;
        _lastAuthorizer = _gauges.Authorizer?.Invoke();
        var origin = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 20); // the first arrival is due 50 ms from now
        using var stopArrivals = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        arrivals.Start(origin, stopArrivals.Token);

        var history = new SecondHistory(HistoryCapacity);
        long peak = 0, atLastHold = -1;
        int broken = 0;
        string? problem = null;
        var cancelled = false;
        var second = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var outages = new Queue<PlanSegment>(_plan.Segments.Where(s => s.Kind == Profiles.PhaseKind.Outage));
        using var cutting = outages.Count > 0 && Links is { } links ? new Timer(_ =>
        {
            // Each outage begins on its phase's start, to the scheduler's 10 ms.
            lock (outages)
            {
                while (outages.TryPeek(out var o) && Seconds(origin) >= o.Start)
                {
                    outages.Dequeue();
                    links.Cut(_devices, o.Share, o.Duration, (int)Math.Floor(o.Start) + 1);
                }
            }
        }, null, 0, 10) : null;
        try
        {
            while (Seconds(origin) < _plan.TotalSeconds)
            {
                await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
                second++;
                var row = Sample(second, supervisor, health);
                history.Add(row);
                _recorder.PublishState(row.Connecting, row.Connected, row.BackingOff, row.GivenUp, row.Health, health.SaturatedSeconds, row.Sleeping);
                _recorder.SettleDrops();
                peak = Math.Max(peak, row.Connected);
                if (_plan.LastHoldEndSecond is { } end && second <= end + 0.5)
                {
                    atLastHold = InService(row);
                }

                if (!row.AccountingHolds)
                {
                    broken++;
                    problem ??= $"second {second}: {supervisor.Census().Problem ?? "census check failed"}";
                }

                RowClosed?.Invoke(row);
                Rows.Writer.TryWrite(row);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }

        // Stop arrivals, then every device; wait for clean disconnects; a last census of the empty fleet.
        await stopArrivals.CancelAsync().ConfigureAwait(false);
        arrivals.Join();
        var notStopped = await supervisor.StopAllAsync(StopGrace).ConfigureAwait(false);
        _recorder.SettleDrops(all: true); // every device has stopped: no close is still to come
        var final = Sample(second + 1, supervisor, health, judged: false);
        history.Add(final);
        RowClosed?.Invoke(final);
        Rows.Writer.TryWrite(final);
        Rows.Writer.TryComplete();
        var census = supervisor.Census();
        var rows = history.Rows;
        return new RunOutcome(started, Seconds(origin), rows, cancelled, _plan.PeakDevices, peak)
        {
            ConnectedAtLastHold = Interlocked.Read(ref atHoldEnd) is >= 0 and var exact ? exact : atLastHold >= 0 ? atLastHold : (rows.Count > 1 ? InService(rows[^2]) : 0),
            FinalCensus = census,
            DevicesNotStopped = notStopped,
            AccountingBrokenSeconds = broken,
            ReportedProblem = problem,
            CrashClasses = census.DevicesCrashed > 0 ? string.Join(", ", _recorder.Crashes.Select(c => $"{c.Key} {c.Value}")) : null,
            ArrivalsPlanned = planned,
            ArrivalsStarted = arrivals.ArrivalsStarted,
            Health = health.Totals, // the judged seconds: the final stop sample is outside the plan
            GeneratorSaturatedSeconds = health.SaturatedSeconds,
            IdentityWaits = arrivals.IdentityWaits,
            ArrivalsLate = arrivals.LateArrivals,
            ArrivalLatenessMaxMs = arrivals.MaxLatenessMs,
            Outages = Links is null ? [] : [.. Links.Outages.Select(o => o.Result(rows))],
        };
    }

    private static double Seconds(long origin) => Stopwatch.GetElapsedTime(origin).TotalSeconds;

    private AuthorizerSample? _lastAuthorizer;

    private SecondRow Sample(int second, DeviceSupervisor supervisor, GeneratorHealth health, bool judged = true)
    {
        AuthorizerSample? authorizer = null;
        if (_gauges.Authorizer is { } sampleAuthorizer)
        {
            var now = sampleAuthorizer();
            authorizer = _lastAuthorizer is { } last ? now.Since(last) : null;
            _lastAuthorizer = now;
        }

        var s = _recorder.TakeSecond();
        var c = supervisor.Census();
        var h = health.Sample(judged);
        return new SecondRow(
            second,
            _plan.PhaseAt(second),
            _plan.TargetAt(second),
            c.Live,
            c.Connecting,
            c.Connected,
            c.BackingOff,
            c.GivenUp,
            c.Holds,
            c.AttemptsInFlight,
            s.ConnectsOk,
            s.ConnectsFailed,
            s.Publishes,
            s.PubAcks,
            s.Received,
            s.Drops,
            s.Connect.Count == 0 ? double.NaN : s.Connect.Percentile(50) / 1000.0,
            s.Connect.Count == 0 ? double.NaN : s.Connect.Percentile(99) / 1000.0,
            s.Errors,
            h)
        {
            UnixSecond = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            Sleeping = c.Sleeping,
            Wakes = s.Wakes,
            DownlinksMissed = s.DownlinksMissed,
            Authorizer = authorizer,
            ConnectHistogram = s.Connect.Count == 0 ? string.Empty : s.Connect.ToCompressedBase64(),
            Steps = s.Steps,
            ConsumersReceived = s.ConsumersReceived,
            CommandsReceived = s.CommandsReceived,
        };
    }
}
