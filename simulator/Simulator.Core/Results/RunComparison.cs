using System.Globalization;
using System.Text;
using Simulator.Core.Errors;
using Simulator.Core.Results.Summary;

namespace Simulator.Core.Results;

/// <summary>
/// Compares two runs' summary.json: latency percentiles of each phase and the error rate. A
/// regression is a latency worse by more than the relative tolerance (and by at least 1 ms, below
/// which timer noise dominates), an error rate higher by more than the absolute tolerance, or a
/// phase the baseline measured that the candidate did not (missing or empty). A zero baseline
/// regresses on any increase of at least 1 ms. Each outage of the baseline is matched with the
/// candidate's in plan order: a time to 90 % reconnected longer by more than the storm tolerance
/// (and by at least 1 s), or one never reached, is a regression. A cancelled run is refused as a
/// baseline, and flagged as a candidate. A code scenario's named steps are judged as phases are
/// (p50, p99), and their failed share as the error rate is; a step the baseline ran and the
/// candidate did not is a regression.
/// </summary>
internal static class RunComparison
{
    /// <param name="lossTolerance">The increase allowed in the share of messages no backend consumer got (absolute: 0.001 is 0.1 point).</param>
    public static (string Text, bool Regressed) Compare(string baselinePath, string candidatePath, double latencyTolerance, double errorRateTolerance, double stormTolerance = 0.2, double lossTolerance = 0.001)
    {
        var missing = new[] { baselinePath, candidatePath }.Where(p => !File.Exists(SummaryFile(p))).ToList();
        if (missing.Count > 0)
        {
            throw new InputException($"summary.json not found in {string.Join(" nor in ", missing.Select(m => $"'{m}'"))}");
        }

        var fa = SummaryFile(baselinePath);
        var fb = SummaryFile(candidatePath);
        var a = SummaryJson.ReadForComparison(fa);
        var b = SummaryJson.ReadForComparison(fb);
        if (a.Cancelled)
        {
            throw new InputException("the baseline run was cancelled before its plan ended; it cannot serve as a baseline", fa, field: "cancelled");
        }

        var sb = new StringBuilder();
        var regressed = false;
        sb.AppendLine(CultureInfo.InvariantCulture, $"baseline  {Describe(a)}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"candidate {Describe(b)}");
        sb.AppendLine();
        sb.AppendLine("| metric | baseline | candidate | change | verdict |");
        sb.AppendLine("|---|---:|---:|---:|---|");
        foreach (var (name, phase) in a.Histograms)
        {
            if (phase.Count == 0)
            {
                continue;
            }

            if (!b.Histograms.TryGetValue(name, out var other) || other.Count == 0)
            {
                regressed = true;
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {phase.Count} samples | none | - | MISSING: the candidate did not measure it |");
                continue;
            }

            regressed |= Percentiles(sb, name, phase, other, latencyTolerance);
        }

        foreach (var (name, step) in a.Steps ?? new Dictionary<string, ComparedStep>())
        {
            if (step.Ok + step.Failed == 0)
            {
                continue;
            }

            if (b.Steps?.GetValueOrDefault(name) is not { } other || other.Ok + other.Failed == 0)
            {
                regressed = true;
                sb.AppendLine(CultureInfo.InvariantCulture, $"| step {name} | {step.Ok + step.Failed} runs | none | - | MISSING: the candidate did not run it |");
                continue;
            }

            regressed |= Percentiles(sb, $"step {name}", step.Latency, other.Latency, latencyTolerance);

            var failedBad = other.FailureRate - step.FailureRate > errorRateTolerance;
            regressed |= failedBad;
            sb.AppendLine(CultureInfo.InvariantCulture, $"| step {name} failed | {step.FailureRate:P3} | {other.FailureRate:P3} | {(other.FailureRate - step.FailureRate) * 100:+0.000;-0.000;0.000} pt | {(failedBad ? "REGRESSION" : "ok")} |");
        }

        var ea = a.ErrorRate;
        var eb = b.ErrorRate;
        var errorBad = eb - ea > errorRateTolerance;
        regressed |= errorBad;
        sb.AppendLine(CultureInfo.InvariantCulture, $"| error rate | {ea:P3} | {eb:P3} | {(eb - ea) * 100:+0.000;-0.000;0.000} pt | {(errorBad ? "REGRESSION" : "ok")} |");
        if (a.Consumers is { } ca)
        {
            // The share of the fleet's messages no consumer got, with a tolerance of its own (a backend that loses 1 % is broken); a candidate without consumers lost them all.
            var lb = b.Consumers?.LossRate ?? 1;
            var lossBad = lb - ca.LossRate > lossTolerance;
            regressed |= lossBad;
            sb.AppendLine(CultureInfo.InvariantCulture, $"| consumer loss rate | {ca.LossRate:P3} | {(b.Consumers is null ? "no consumers" : lb.ToString("P3", CultureInfo.InvariantCulture))} | {(lb - ca.LossRate) * 100:+0.000;-0.000;0.000} pt | {(lossBad ? "REGRESSION" : "ok")} |");
        }

        if (a.Commands is { } ka && b.Commands is { } kb)
        {
            // Shown, not judged: a command racing its device's planned stop is missed by design, so the share moves with the plan.
            sb.AppendLine(CultureInfo.InvariantCulture, $"| command miss rate | {ka.MissRate:P3} | {kb.MissRate:P3} | {(kb.MissRate - ka.MissRate) * 100:+0.000;-0.000;0.000} pt | not judged |");
        }

        var stormsA = a.Outages ?? [];
        var stormsB = b.Outages ?? [];
        for (var i = 0; i < stormsA.Count; i++)
        {
            var x = stormsA[i];
            var name = $"outage {i + 1} (second {x.AtSecond}): to 90 % reconnected (s)";
            if (x.SecondsTo90 is not { } before)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | never | {(i < stormsB.Count ? Seconds(stormsB[i].SecondsTo90) : "no outage")} | - | ok: the baseline never got there |");
                continue;
            }

            if (i >= stormsB.Count)
            {
                regressed = true;
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {before:F2} | no outage | - | MISSING: the candidate's plan had no such outage |");
                continue;
            }

            if (stormsB[i].SecondsTo90 is not { } after)
            {
                regressed = true;
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {before:F2} | never | - | REGRESSION: 90 % never reconnected |");
                continue;
            }

            var change = before == 0 ? (after == 0 ? 0 : double.PositiveInfinity) : (after - before) / before;
            var bad = change > stormTolerance && after - before >= 1.0;
            regressed |= bad;
            var shown = double.IsPositiveInfinity(change) ? "from 0" : change.ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture);
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {before:F2} | {after:F2} | {shown} | {(bad ? "REGRESSION" : "ok")} |");
        }

        if (b.Cancelled)
        {
            regressed = true;
            sb.AppendLine("| candidate | | cancelled | - | INCOMPLETE: stopped before its plan ended |");
        }

        FailureClasses(sb, a, b);

        sb.AppendLine();
        sb.AppendLine(regressed ? $"REGRESSION beyond tolerance ({latencyTolerance:P0} latency, {errorRateTolerance:P1} error rate{(a.Consumers is null ? string.Empty : $", {lossTolerance:P1} consumer loss")}{(stormsA.Count > 0 ? $", {stormTolerance:P0} time to 90 % reconnected" : string.Empty)})" : "no regression beyond tolerance");
        return (sb.ToString(), regressed);
    }

    /// <summary>
    /// Failed attempts by class, side by side and not judged (the error rate is). A run on MQTT 5
    /// names a denial by its reason code where 3.1.1 names a close, so the note says why the
    /// classes of a fleet moved between versions do not line up.
    /// </summary>
    private static void FailureClasses(StringBuilder sb, ComparedRun a, ComparedRun b)
    {
        var classes = (a.Failures?.Keys ?? []).Union(b.Failures?.Keys ?? []).Order(StringComparer.Ordinal).ToList();
        if (a.MqttVersion != b.MqttVersion)
        {
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"note: the baseline spoke {Version(a.MqttVersion)} and the candidate {Version(b.MqttVersion)}: on MQTT 5 a denied connect is counted under its CONNACK reason code (ConnAck:NotAuthorized, …) where 3.1.1 counts a close (ClosedAfterConnect); see docs/mqtt5.md");
        }

        if (classes.Count == 0)
        {
            return;
        }

        sb.AppendLine();
        sb.AppendLine("| failed attempts by class (not judged) | baseline | candidate |");
        sb.AppendLine("|---|---:|---:|");
        foreach (var c in classes)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {c} | {a.Failures?.GetValueOrDefault(c) ?? 0} | {b.Failures?.GetValueOrDefault(c) ?? 0} |");
        }
    }

    private static string Version(int level) => level == 5 ? "MQTT 5" : "MQTT 3.1.1";

    private static string Seconds(double? s) => s is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) : "never";

    private static string SummaryFile(string path) => Directory.Exists(path) ? Path.Combine(path, "summary.json") : path;

    private static string Describe(ComparedRun s) =>
        $"{s.ProfileName} at {s.StartedAt.ToString("O", CultureInfo.InvariantCulture)} (commit {s.GitCommit}, {s.Machine.Cores} cores)";

    /// <summary>One row each for p50 and p99: worse by more than the tolerance, and by at least 1 ms, is a regression (true).</summary>
    private static bool Percentiles(StringBuilder sb, string name, ComparedPhase baseline, ComparedPhase candidate, double latencyTolerance)
    {
        var regressed = false;
        foreach (var (label, x, y) in new[] { ("p50", baseline.P50Ms, candidate.P50Ms), ("p99", baseline.P99Ms, candidate.P99Ms) })
        {
            var change = x == 0 ? (y == 0 ? 0 : double.PositiveInfinity) : (y - x) / x;
            var bad = change > latencyTolerance && y - x >= 1.0;
            regressed |= bad;
            var shown = double.IsPositiveInfinity(change) ? "from 0" : change.ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture);
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} {label} (ms) | {x:F2} | {y:F2} | {shown} | {(bad ? "REGRESSION" : "ok")} |");
        }

        return regressed;
    }
}
