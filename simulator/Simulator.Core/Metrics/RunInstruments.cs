using System.Diagnostics.Metrics;
using Simulator.Core.Health;

namespace Simulator.Core.Metrics;

/// <summary>
/// A run's figures as System.Diagnostics.Metrics instruments (meter "Simulator.Run"), for
/// dotnet-counters, OTLP and Prometheus. Recording is the recorder's; this only exports: it
/// observes each record (counters, the phase histogram) and reads the recorder's latest
/// per-second state (gauges). A recorder read back from results, merged or rebuilt, has none.
/// </summary>
internal sealed class RunInstruments : IRecordObserver, IDisposable
{
    public const string MeterName = "Simulator.Run";

    private static readonly string[] PhaseNames = [.. Enum.GetNames<Phase>().Select(n => char.ToLowerInvariant(n[0]) + n[1..])];

    private RunMetrics _recorder;
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _connects;
    private readonly Counter<long> _publishes;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _phaseMs;
    private readonly Counter<long> _pubAcks;
    private readonly Counter<long> _received;
    private readonly Counter<long> _drops;
    private readonly Counter<long> _crashes;

    /// <summary>Creates the instruments and starts observing <paramref name="recorder"/>.</summary>
    public RunInstruments(RunMetrics recorder)
    {
        _recorder = recorder;
        _connects = _meter.CreateCounter<long>("simulator.connects", description: "successful connects");
        _publishes = _meter.CreateCounter<long>("simulator.publishes", description: "PUBLISH packets sent");
        _pubAcks = _meter.CreateCounter<long>("simulator.pubacks", description: "PUBACKs received");
        _received = _meter.CreateCounter<long>("simulator.received", description: "devices' own messages received back");
        _errors = _meter.CreateCounter<long>("simulator.errors", description: "failed attempts by class");
        _drops = _meter.CreateCounter<long>("simulator.drops", description: "established sessions that ended unasked, by reason");
        _crashes = _meter.CreateCounter<long>("simulator.crashes", description: "device tasks that crashed, by class");
        _phaseMs = _meter.CreateHistogram<double>("simulator.phase.duration", "ms", "latency of each phase (token, dns, tcp, tls, websocket, connack, connect from the planned instant, puback, end-to-end, …)");
        _meter.CreateObservableGauge("simulator.devices", ObserveDevices, description: "devices by state");
        _meter.CreateObservableGauge("simulator.generator.cpu", () => Health(h => h.CpuPercent), "%", "this process's CPU, as a share of all cores");
        _meter.CreateObservableGauge("simulator.generator.machine_cpu", () => Health(h => h.MachineCpuPercent ?? double.NaN), "%", "the whole machine's CPU");
        _meter.CreateObservableGauge("simulator.generator.scheduler_lag", () => Health(h => h.SchedulerLagP99Ms), "ms", "scheduler lag p99 in the last second");
        _meter.CreateObservableGauge("simulator.generator.gc_pause", () => Health(h => h.GcPauseMs), "ms", "GC pause time in the last second");
        _meter.CreateObservableGauge("simulator.generator.thread_pool_queue", () => Health(h => h.ThreadPoolQueue), description: "thread-pool work items waiting");
        _meter.CreateObservableGauge("simulator.generator.open_files", () => Health(h => h.OpenFiles ?? double.NaN), description: "open file descriptors");
        _meter.CreateObservableGauge("simulator.generator.working_set", () => Health(h => h.WorkingSetBytes), "By", "working set");
        _meter.CreateObservableGauge("simulator.generator.hot", () => Health(h => h.Hot ? 1 : 0), description: "1 while the generator is over a health limit in the last second");
        _meter.CreateObservableGauge("simulator.generator.saturated_seconds", () => _recorder.Live?.SaturatedSeconds ?? 0, "s", "seconds the generator has been saturated: its latencies then describe this machine");
        recorder.Observer = this;
    }

    internal Meter Meter => _meter;

    /// <summary>Observes another recorder from now on (a capacity step's own); counters go on counting from where they were.</summary>
    public void Follow(RunMetrics recorder)
    {
        if (_recorder.Observer == this)
        {
            _recorder.Observer = null;
        }

        _recorder = recorder;
        recorder.Observer = this;
    }

    public void Phase(Phase phase, double milliseconds) => _phaseMs.Record(milliseconds, new KeyValuePair<string, object?>("phase", PhaseNames[(int)phase]));

    public void Connected() => _connects.Add(1);

    public void AttemptFailed(string failureClass) => _errors.Add(1, new KeyValuePair<string, object?>("class", failureClass));

    public void Crashed(string failureClass) => _crashes.Add(1, new KeyValuePair<string, object?>("class", failureClass));

    public void Dropped(string reason) => _drops.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Published() => _publishes.Add(1);

    public void PubAcked() => _pubAcks.Add(1);

    public void Received() => _received.Add(1);

    public void Dispose()
    {
        if (_recorder.Observer == this)
        {
            _recorder.Observer = null;
        }

        _meter.Dispose();
    }

    private IEnumerable<Measurement<long>> ObserveDevices()
    {
        if (_recorder.Live is not { } s)
        {
            return [];
        }

        return
        [
            new(s.Connecting, new KeyValuePair<string, object?>("state", "connecting")),
            new(s.Connected, new KeyValuePair<string, object?>("state", "connected")),
            new(s.BackingOff, new KeyValuePair<string, object?>("state", "backing_off")),
            new(s.GivenUp, new KeyValuePair<string, object?>("state", "given_up")),
            new(s.Sleeping, new KeyValuePair<string, object?>("state", "sleeping")),
        ];
    }

    private IEnumerable<Measurement<double>> Health(Func<HealthSample, double> value) =>
        _recorder.Live is { } s && value(s.Health) is var v && !double.IsNaN(v) ? [new Measurement<double>(v)] : [];
}
