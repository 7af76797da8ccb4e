using Simulator.Core.Health;
using Simulator.Core.Histograms;
using Simulator.Core.Load;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;
using Simulator.Core.Results.Summary;

namespace Simulator.Core.Results;

/// <summary>
/// A finished run judged: the profile's thresholds, the fleet's accounting, the generator's own
/// health, and how it ended. A cancelled run is never PASSED; a run whose accounting broke fails
/// whatever its latencies; a saturated generator is flagged, and fails the run where a
/// generator threshold says so.
/// </summary>
internal sealed class RunReport
{
    public RunReport(RunOptions profile, RunOutcome outcome, RunTotals totals, int fleetDevices)
    {
        Profile = profile;
        Outcome = outcome;
        Totals = totals;
        FleetDevices = fleetDevices;
        Thresholds = Judge();
    }

    public RunOptions Profile { get; }

    public RunOutcome Outcome { get; }

    /// <summary>The run's totals, a snapshot: a report never reads a live recorder.</summary>
    public RunTotals Totals { get; }

    public int FleetDevices { get; }

    /// <summary>Set by the host: the embedded gateway shares this process, so the generator's CPU includes it.</summary>
    public bool EmbeddedGateway { get; init; }

    public IReadOnlyList<ThresholdSummary> Thresholds { get; }

    /// <summary>Set on a merged report: the shards it was merged from, each with its own health.</summary>
    public IReadOnlyList<ShardSummary>? Shards { get; init; }

    /// <summary>Set on a merged report: the profile as the shards wrote it (already without secrets).</summary>
    public System.Text.Json.Nodes.JsonNode? ProfileNode { get; init; }

    /// <summary>Why the figures are partial: the run died before its end and was rebuilt from its rows (<see cref="IncompleteRun"/>); null for a run that ended.</summary>
    public string? Incomplete { get; init; }

    /// <summary>Why the plan never ran: the target refused every warm-up device; null for a run whose plan ran.</summary>
    public string? Aborted { get; init; }

    /// <summary>How late this run's plan started after the agreed instant (--start-at); null when none was set.</summary>
    public double? StartSkewMs { get; init; }

    /// <summary>Failed attempts / attempts that ended (connected or failed).</summary>
    public double ErrorRate => Totals.Attempts == 0 ? 0 : (double)Totals.Failed / Totals.Attempts;

    public bool AccountingHolds => Outcome.AccountingHolds;

    /// <summary>Share of the planned devices in service (connected; on a duty cycle also asleep or waking) at the end of the last hold (the last second without a hold).</summary>
    public double ConnectedShareAtLastHold
    {
        get
        {
            var planned = Math.Min(Outcome.PlannedDevices, FleetDevices);
            return planned == 0 ? 0 : (double)Outcome.ConnectedAtLastHold / planned;
        }
    }

    public bool GeneratorSaturated => Outcome.GeneratorSaturatedSeconds > 0;

    public RunVerdict Verdict =>
        Incomplete is not null ? RunVerdict.Incomplete
        : Aborted is not null ? RunVerdict.Aborted
        : Outcome.Cancelled ? RunVerdict.Cancelled
        : !AccountingHolds || !AnyConnected || !Thresholds.All(t => t.Passed) ? RunVerdict.Failed
        : ThresholdsInForce.IsEmpty ? RunVerdict.Unjudged
        : RunVerdict.Passed;

    /// <summary>The thresholds in force in words, for the run's first lines: which, and whether they are the defaults.</summary>
    public static string DescribeThresholds(RunOptions profile)
    {
        var t = profile.Thresholds ?? ThresholdSettings.DefaultsFor(profile.Phases);
        if (t.IsEmpty)
        {
            return "thresholds: none (the profile's thresholds section is empty): nothing is judged, and the verdict is NO THRESHOLDS";
        }

        var parts = new List<string>();
        void Add(string name, double? value, string op)
        {
            if (value is { } v)
            {
                parts.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name} {op} {v:0.###}"));
            }
        }

        Add("connectP99Ms", t.ConnectP99Ms, "<=");
        Add("connectP50Ms", t.ConnectP50Ms, "<=");
        Add("errorRate", t.ErrorRate, "<=");
        Add("minConnectedShare", t.MinConnectedShare, ">=");
        Add("pubAckP99Ms", t.PubAckP99Ms, "<=");
        Add("maxGeneratorCpu", t.MaxGeneratorCpu, "<=");
        Add("maxSchedulerLagMs", t.MaxSchedulerLagMs, "<=");
        Add("deliveryP99Ms", t.DeliveryP99Ms, "<=");
        Add("consumerLossRate", t.ConsumerLossRate, "<=");
        Add("commandP99Ms", t.CommandP99Ms, "<=");
        return $"thresholds: {string.Join(", ", parts)}{(profile.Thresholds is null ? " (the defaults: the profile sets none)" : string.Empty)}; and at least one device must connect";
    }

    public bool Passed => Verdict == RunVerdict.Passed;

    /// <summary>Plain words for a saturated generator, or null.</summary>
    public string? GeneratorWarning => !GeneratorSaturated ? null
        : $"the load generator was saturated for {Outcome.GeneratorSaturatedSeconds} s (process CPU above {GeneratorHealth.CpuLimitPercent:0}% of {Environment.ProcessorCount} cores, machine CPU above {GeneratorHealth.MachineCpuLimitPercent:0}%, or scheduler lag p99 above {GeneratorHealth.LagLimitMs:0} ms for more than {GeneratorHealth.HotSecondsAllowed} s in a row): its latencies describe this machine, not the target"
          + (EmbeddedGateway ? "; the embedded gateway shares this process and its cores" : string.Empty)
          + ". Offer less load per process (fewer devices or a lower rate), or spread it over shards.";

    public static double Ms(LatencyHistogram h, double percentile) => h.Percentile(percentile) / 1000.0;

    /// <summary>The thresholds judged: the profile's, or the defaults when it has no thresholds section.</summary>
    public ThresholdSettings ThresholdsInForce => Profile.Thresholds ?? ThresholdSettings.DefaultsFor(Profile.Phases);

    /// <summary>The profile set no thresholds, so the defaults judged it.</summary>
    public bool ThresholdsDefaulted => Profile.Thresholds is null;

    /// <summary>At least one attempt connected; a run where none did is FAILED whatever the thresholds say.</summary>
    public bool AnyConnected => Totals.Successes > 0;

    private List<ThresholdSummary> Judge()
    {
        var t = ThresholdsInForce;
        var results = new List<ThresholdSummary>();
        var connect = Totals[Phase.Connect];
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
            results.Add(new("minConnectedShare", share, ConnectedShareAtLastHold, ConnectedShareAtLastHold >= share));
        }

        if (t.PubAckP99Ms is { } ack)
        {
            var h = Totals[Phase.PubAck];
            var actual = Ms(h, 99);
            results.Add(new("pubAckP99Ms", ack, actual, h.Count > 0 && actual <= ack));
        }

        if (t.DeliveryP99Ms is { } delivery)
        {
            var h = Totals[Phase.Delivery];
            var actual = Ms(h, 99);
            results.Add(new("deliveryP99Ms", delivery, actual, h.Count > 0 && actual <= delivery));
        }

        if (t.ConsumerLossRate is { } loss)
        {
            var actual = Totals.Consumers?.LossRate ?? 1;
            results.Add(new("consumerLossRate", loss, actual, Totals.Consumers is { Received: > 0 } && actual <= loss));
        }

        if (t.CommandP99Ms is { } command)
        {
            var h = Totals[Phase.Command];
            var actual = Ms(h, 99);
            results.Add(new("commandP99Ms", command, actual, h.Count > 0 && actual <= command));
        }

        // Generator limits judge the level sustained for more than the allowed seconds in a row
        // (a one-second spike, the JIT warming up say, is not saturation).
        if (t.MaxGeneratorCpu is { } cpu)
        {
            var sustained = Outcome.Health.SustainedCpuPercent;
            results.Add(new("maxGeneratorCpu", cpu, sustained, sustained <= cpu));
        }

        if (t.MaxSchedulerLagMs is { } lag)
        {
            var sustained = Outcome.Health.SustainedSchedulerLagMs;
            results.Add(new("maxSchedulerLagMs", lag, sustained, sustained <= lag));
        }

        return results;
    }
}
