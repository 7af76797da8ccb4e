using Simulator.Core.Histograms;

namespace Simulator.Core.Metrics;

/// <summary>What the devices did in one second, taken and reset by <see cref="RunMetrics.TakeSecond"/>.</summary>
internal sealed record SecondCounters(
    long ConnectsOk,
    long ConnectsFailed,
    long Publishes,
    long PubAcks,
    long Received,
    long Drops,
    LatencyHistogram Connect,
    IReadOnlyDictionary<string, long> Errors)
{
    public long Wakes { get; init; }

    public long DownlinksMissed { get; init; }

    /// <summary>Device messages backend consumers got for the first time in the second.</summary>
    public long ConsumersReceived { get; init; }

    /// <summary>Cloud-to-device commands devices received in the second.</summary>
    public long CommandsReceived { get; init; }

    /// <summary>The named steps that ended in the second (code scenarios).</summary>
    public IReadOnlyDictionary<string, StepSecond> Steps { get; init; } = new Dictionary<string, StepSecond>();
}
