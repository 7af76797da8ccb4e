using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;
using Simulator.Core.Results.Summary;

namespace Simulator.Core.Results;

/// <summary>A judged run as its summary: every figure summary.json, report.md and report.html show, taken once.</summary>
internal static class SummaryBuilder
{
    public static RunSummary From(RunReport r)
    {
        var o = r.Outcome;
        var census = o.FinalCensus;
        var m = r.Totals;
        return new RunSummary
        {
            SchemaVersion = RunSummary.CurrentSchema,
            Tool = RunSummary.ToolName,
            ProfileName = r.Profile.Name,
            StartedAt = o.StartedAt,
            DurationSeconds = Math.Round(o.DurationSeconds, 3),
            Verdict = r.Verdict.ToString().ToLowerInvariant(),
            Passed = r.Passed,
            Cancelled = o.Cancelled,
            ThresholdsDefaulted = r.ThresholdsDefaulted,
            Incomplete = r.Incomplete,
            Aborted = r.Aborted,
            GitCommit = SourceRevision.Current(),
            Machine = new MachineSummary
            {
                Os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
                Cores = Environment.ProcessorCount,
                MemoryBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
                Dotnet = Environment.Version.ToString(),
            },
            Tls = Load.DeviceTransport.TlsName(r.Profile.Transport),
            StartSkewMs = r.StartSkewMs is { } skew ? Math.Round(skew, 1) : null,
            Profile = (r.ProfileNode ?? ProfileRedaction.WithoutSecrets(r.Profile)).DeepClone().AsObject(),
            Devices = new DeviceCounts
            {
                Fleet = r.FleetDevices,
                Planned = o.PlannedDevices,
                PeakConnected = o.PeakConnected,
                ConnectedAtLastHold = o.ConnectedAtLastHold,
                Started = census?.DevicesStarted ?? 0,
                Ended = census?.DevicesEnded ?? 0,
                Crashed = census?.DevicesCrashed ?? 0,
                NotStopped = o.DevicesNotStopped,
            },
            AttemptsStarted = census?.AttemptsStarted ?? 0,
            Attempts = m.Attempts,
            Successes = m.Successes,
            Failed = m.Failed,
            Interrupted = m.Interrupted,
            ErrorRate = Math.Round(r.ErrorRate, 6),
            Failures = Sorted(m.Failures),
            Drops = Sorted(m.Drops),
            DropsByLastAction = Sorted(m.DropsByLastAction),
            Crashes = Sorted(m.Crashes),
            Unexpected = Sorted(m.FirstMessages),
            Publishes = m.Publishes,
            PubAcks = m.PubAcks,
            Received = m.Received,
            Accounting = new AccountingSummary
            {
                Holds = r.AccountingHolds,
                BrokenSeconds = o.AccountingBrokenSeconds,
                Problem = o.AccountingProblem,
                ArrivalsPlanned = o.ArrivalsPlanned,
                ArrivalsStarted = o.ArrivalsStarted,
                AttemptsInFlightAtEnd = census?.AttemptsInFlight ?? 0,
            },
            Generator = Generator(r),
            TargetAuthorizer = TargetAuthorizer(o.Rows),
            Outages = o.Outages.Count == 0 ? null : [.. o.Outages.Select(x => new OutageSummary
            {
                AtSecond = x.AtSecond,
                Seconds = x.Seconds,
                DevicesCut = x.DevicesCut,
                Reconnected = x.Reconnected,
                SecondsTo50 = Round(x.SecondsTo50),
                SecondsTo90 = Round(x.SecondsTo90),
                SecondsTo100 = Round(x.SecondsTo100),
                AttemptsPerDevice = Math.Round(x.AttemptsPerDevice, 2),
                PeakConnectRate = Math.Round(x.PeakConnectRate, 1),
                PeakSecond = x.PeakSecond,
                StormEndSecond = x.StormEndSecond,
                Target = x.Target is { } t ? new StormTargetSummary
                {
                    AuthorizerInvocations = t.Invocations - t.Refreshes,
                    AuthorizerPeakConcurrency = t.InFlight,
                    AuthorizerThrottles = t.Throttles,
                    AuthorizerColdStarts = t.ColdStarts,
                    ConnectThrottle = t.ConnectThrottles,
                    ConnectClientIdThrottle = t.ClientIdThrottles,
                } : null,
            })],
            DutyCycle = DutyCycleFigures.Of(r),
            Histograms = PhaseHistograms.From(p => HistogramSummary.Of(m[p])),
            Commands = m.Commands is { } cmd ? new CommandSummary { RatePerSecond = cmd.RatePerSecond, Topic = cmd.Topic, Sent = cmd.Sent, Received = cmd.Received, Missed = cmd.Missed, MissRate = cmd.MissRate } : null,
            Consumers = m.Consumers is { } c ? new ConsumerSummary
            {
                Count = c.Count,
                Topic = c.Topic,
                Received = c.Received,
                Duplicates = c.Duplicates,
                Unknown = c.Unknown,
                Lost = c.Lost,
                LossRate = c.LossRate,
                DroppedConnections = c.DroppedConnections,
            } : null,
            Steps = m.Steps.Count == 0 ? null : m.Steps.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => new StepSummary
            {
                Ok = kv.Value.Ok,
                Failed = kv.Value.Failed,
                Failures = Sorted(kv.Value.Failures),
                Latency = HistogramSummary.Of(kv.Value.Latency),
            }, StringComparer.Ordinal),
            Thresholds = [.. r.Thresholds.Select(t => t with { Actual = Math.Round(t.Actual, 6) })],
            Shards = r.Shards,
        };
    }

    private static double? Round(double? seconds) => seconds is { } v ? Math.Round(v, 2) : null;

    private static GeneratorSummary Generator(RunReport r)
    {
        var h = r.Outcome.Health;
        return new GeneratorSummary
        {
            Saturated = r.GeneratorSaturated,
            SaturatedSeconds = r.Outcome.GeneratorSaturatedSeconds,
            Warning = r.GeneratorWarning,
            EmbeddedGatewayInProcess = r.EmbeddedGateway,
            CpuPercentP50 = h.CpuPercentP50,
            CpuPercentMax = h.CpuPercentMax,
            MachineCpuPercentP50 = h.MachineCpuPercentP50,
            MachineCpuPercentMax = h.MachineCpuPercentMax ?? 0,
            SchedulerLagP99MsMax = h.SchedulerLagP99MsMax,
            ThreadPoolQueueMax = h.ThreadPoolQueueMax,
            GcPauseMsTotal = Math.Round(h.GcPauseMsTotal, 2),
            OpenFilesMax = h.OpenFilesMax,
            OpenFileLimit = h.OpenFileLimit,
            WorkingSetMaxBytes = h.WorkingSetMaxBytes,
            ScheduleLagP99Ms = RunReport.Ms(r.Totals[Phase.ScheduleLag], 99),
        };
    }

    /// <summary>The embedded target's authorizer over the run: connect and refresh invocations, throttles, cold starts; null when no second measured it.</summary>
    private static AuthorizerSummary? TargetAuthorizer(IReadOnlyList<SecondRow> rows)
    {
        var a = rows.Where(x => x.Authorizer is not null).Select(x => x.Authorizer!.Value).ToList();
        return a.Count == 0 ? null : new AuthorizerSummary
        {
            ConnectInvocations = a.Sum(x => x.Invocations - x.Refreshes),
            RefreshInvocations = a.Sum(x => x.Refreshes),
            Throttles = a.Sum(x => x.Throttles),
            ColdStarts = a.Sum(x => x.ColdStarts),
            Timeouts = a.Sum(x => x.Timeouts),
            InFlightMax = a.Max(x => x.InFlight),
        };
    }

    private static SortedDictionary<string, TValue> Sorted<TValue>(IReadOnlyDictionary<string, TValue> counts) =>
        new(counts.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal), StringComparer.Ordinal);
}
