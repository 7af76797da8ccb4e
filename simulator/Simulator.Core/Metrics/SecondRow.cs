using Simulator.Core.Health;
using Simulator.Core.Histograms;

namespace Simulator.Core.Metrics;

/// <summary>One row of timeseries.csv: what happened in one second of the run, and the generator's own health.</summary>
internal sealed record SecondRow(
    int Second,
    string Phase,
    int Target,
    long Devices,
    long Connecting,
    long Connected,
    long BackingOff,
    long GivenUp,
    bool AccountingHolds,
    long AttemptsInFlight,
    long ConnectsOk,
    long ConnectsFailed,
    long Publishes,
    long PubAcks,
    long Received,
    long Drops,
    double ConnectP50Ms,
    double ConnectP99Ms,
    IReadOnlyDictionary<string, long> ErrorsByClass,
    HealthSample Health)
{
    /// <summary>The seconds this row covers: 1, or more once a long run's history is coarsened (<see cref="SecondHistory"/>); <see cref="Second"/> is the first.</summary>
    public int Seconds { get; init; } = 1;

    /// <summary>Seconds since the Unix epoch at the end of this second (shards align on it).</summary>
    public long UnixSecond { get; init; }

    /// <summary>Duty-cycled devices asleep between wakes at the second's end (in service, not connected).</summary>
    public long Sleeping { get; init; }

    /// <summary>Duty-cycled devices that woke in this second (each wake opens one attempt).</summary>
    public long Wakes { get; init; }

    /// <summary>Wakes in this second whose awaited downlink did not come within the active time.</summary>
    public long DownlinksMissed { get; init; }

    /// <summary>The embedded target's authorizer in this second; null against a real target.</summary>
    public AuthorizerSample? Authorizer { get; init; }

    /// <summary>Device messages backend consumers got for the first time in this second; 0 without consumers.</summary>
    public long ConsumersReceived { get; init; }

    /// <summary>Cloud-to-device commands devices received in this second; 0 without commands.</summary>
    public long CommandsReceived { get; init; }

    /// <summary>The named steps that ended in this second, by name (code scenarios); empty when none.</summary>
    public IReadOnlyDictionary<string, StepSecond> Steps { get; init; } = new Dictionary<string, StepSecond>();

    /// <summary>This second's connect latencies (µs) in <see cref="LatencyHistogram.Encoding"/>, so shards' seconds merge exactly; empty when none.</summary>
    public string ConnectHistogram { get; init; } = string.Empty;
}
