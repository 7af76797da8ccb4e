namespace Simulator.Core.Metrics;

/// <summary>One row of timeseries.csv: what happened in one second of the run.</summary>
public sealed record SecondRow(
    int Second,
    string Phase,
    int Target,
    long Devices,
    long Connecting,
    long Connected,
    long BackingOff,
    long GivenUp,
    bool IdentityHolds,
    long ConnectsOk,
    long ConnectsFailed,
    long Publishes,
    long PubAcks,
    long Received,
    long Drops,
    double ConnectP50Ms,
    double ConnectP99Ms,
    IReadOnlyDictionary<string, long> ErrorsByClass);
