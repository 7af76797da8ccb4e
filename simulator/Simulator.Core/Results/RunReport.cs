using Simulator.Core.Load;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;

namespace Simulator.Core.Results;

/// <summary>A finished run: the profile, the outcome, the metrics, and the thresholds judged.</summary>
public sealed class RunReport
{
    public RunReport(RunProfile profile, RunOutcome outcome, RunMetrics metrics, int fleetDevices)
    {
        Profile = profile;
        Outcome = outcome;
        Metrics = metrics;
        FleetDevices = fleetDevices;
        Thresholds = Judge();
    }

    public RunProfile Profile { get; }

    public RunOutcome Outcome { get; }

    public RunMetrics Metrics { get; }

    public int FleetDevices { get; }

    public IReadOnlyList<ThresholdResult> Thresholds { get; }

    public double ErrorRate => Metrics.Attempts == 0 ? 0 : (double)(Metrics.Attempts - Metrics.Successes) / Metrics.Attempts;

    public bool IdentityHeldEverySecond => Outcome.Rows.All(r => r.IdentityHolds);

    /// <summary>Connected share at the end of the last hold (the second before ramp-down starts, or the last second).</summary>
    public double ConnectedShareAtPeak => Outcome.PlannedDevices == 0 ? 0 : (double)Outcome.PeakConnected / Math.Min(Outcome.PlannedDevices, FleetDevices);

    public bool Passed => Thresholds.All(t => t.Passed) && IdentityHeldEverySecond;

    public static double Ms(LogLinearHistogram h, double percentile) => h.Percentile(percentile) / 1000.0;

    private List<ThresholdResult> Judge()
    {
        var t = Profile.Thresholds;
        var results = new List<ThresholdResult>();
        var connect = Metrics[Phase.Connect];
        if (t.ConnectP99Ms is { } p99)
        {
            var actual = Ms(connect, 99);
            results.Add(new("connectP99Ms", p99, actual, connect.Count > 0 && actual <= p99));
        }

        if (t.ConnectP50Ms is { } p50)
        {
            var actual = Ms(connect, 50);
            results.Add(new("connectP50Ms", p50, actual, connect.Count > 0 && actual <= p50));
        }

        if (t.ErrorRate is { } rate)
        {
            results.Add(new("errorRate", rate, ErrorRate, ErrorRate <= rate));
        }

        if (t.MinConnectedShare is { } share)
        {
            results.Add(new("minConnectedShare", share, ConnectedShareAtPeak, ConnectedShareAtPeak >= share));
        }

        if (t.PubAckP99Ms is { } ack)
        {
            var actual = Ms(Metrics[Phase.PubAck], 99);
            results.Add(new("pubAckP99Ms", ack, actual, actual <= ack));
        }

        return results;
    }
}
