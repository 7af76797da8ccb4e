using Simulator.Core.Errors;
using Simulator.Core.Health;
using Simulator.Core.Histograms;
using Simulator.Core.Load;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;
using Simulator.Core.Results.Summary;

namespace Simulator.Core.Results;

/// <summary>
/// <c>simulator merge</c>: many shards' runs as one. Counters and failure classes are summed,
/// histograms added bucket by bucket (exact: the merged p99 is the p99 of every shard's samples
/// together, never an average of p99s), per-second rows aligned on the wall-clock second, and the
/// profile's thresholds judged again on the merged figures. Each shard's generator health is kept,
/// so one saturated shard shows. A missing shard fails the accounting: the verdict would not
/// cover every device.
/// </summary>
internal static class ShardMerge
{
    public static RunReport Merge(IReadOnlyList<ShardRun> shards)
    {
        if (shards.Count == 0)
        {
            throw new InputException("name at least one run folder to merge");
        }

        var first = shards[0];
        var parsed = new List<(ShardRun Run, int Index, int Count)>();
        foreach (var s in shards)
        {
            var file = s.SummaryFile;
            if (s.Summary.ProfileName != first.Summary.ProfileName)
            {
                throw new InputException($"profile \"{s.Summary.ProfileName}\", but {first.Directory} ran \"{first.Summary.ProfileName}\": only shards of one run merge", file, field: "profileName");
            }

            if (s.SeedFingerprint != first.SeedFingerprint)
            {
                throw new InputException($"a different fleet (seed fingerprint) from {first.Directory}: only shards of one fleet merge", file, field: "profile.fleet.seedFingerprint");
            }

            if (!FleetShard.TryParse(s.Shard, out var parsedShard))
            {
                throw new InputException($"\"{s.Shard}\" is not \"i/N\"", file, field: "profile.fleet.shard");
            }

            var (index, count) = parsedShard;

            if (parsed.Count > 0 && count != parsed[0].Count)
            {
                throw new InputException($"shard {s.Shard}, but {parsed[0].Run.Directory} is one of {parsed[0].Count}: only shards of one split merge", file, field: "profile.fleet.shard");
            }

            if (parsed.FirstOrDefault(p => p.Index == index).Run is { } twin)
            {
                throw new InputException($"shard {s.Shard} is also {twin.Directory}: each shard once", file, field: "profile.fleet.shard");
            }

            parsed.Add((s, index, count));
        }

        var total = parsed[0].Count;
        var missing = Enumerable.Range(0, total).Except(parsed.Select(p => p.Index)).Select(i => $"{i}/{total}").ToList();
        var rows = MergeRows(shards);
        var outcome = Outcome(shards, rows, missing);
        var profileNode = first.Summary.Profile.DeepClone();
        profileNode["fleet"]!["shard"] = $"merged {parsed.Count} of {total}";
        var profile = WrittenProfile.Parse(first.Summary.Profile, first.SummaryFile, "profile");
        var incomplete = shards.Where(s => s.Summary.Incomplete is not null).Select(s => $"shard {s.Shard}: {s.Summary.Incomplete}").ToList();
        return new RunReport(profile, outcome, RunTotals.Combine(shards.Select(s => s.Totals)), (int)shards.Sum(s => s.Summary.Devices.Fleet))
        {
            EmbeddedGateway = shards.Any(s => s.Summary.Generator.EmbeddedGatewayInProcess),
            ProfileNode = profileNode,
            Incomplete = incomplete.Count == 0 ? null : string.Join("; ", incomplete),
            Shards = [.. parsed.OrderBy(p => p.Index).Select(p => Info(p.Run))],
        };
    }

    private static RunOutcome Outcome(IReadOnlyList<ShardRun> shards, List<SecondRow> rows, List<string> missing)
    {
        var start = shards.Min(s => s.Summary.StartedAt);
        var end = shards.Max(s => s.Summary.StartedAt.AddSeconds(s.Summary.DurationSeconds));
        long Sum(Func<ShardRun, long> f) => shards.Sum(f);
        var shardProblems = shards.Where(s => !s.Summary.Accounting.Holds).Select(s => $"shard {s.Shard}: {s.Summary.Accounting.Problem ?? "its accounting broke"}").ToList();
        if (missing.Count > 0)
        {
            shardProblems.Insert(0, $"shard(s) {string.Join(", ", missing)} missing: their devices are not in these figures");
        }

        var attemptsStarted = Sum(s => s.Summary.AttemptsStarted);
        var census = new FleetCensus(
            Live: 0,
            Connecting: 0,
            Connected: 0,
            BackingOff: 0,
            GivenUp: 0,
            StatesMatchDevices: true,
            AttemptsStarted: attemptsStarted,
            AttemptsEnded: attemptsStarted - Sum(s => s.Summary.Accounting.AttemptsInFlightAtEnd),
            DevicesStarted: Sum(s => s.Summary.Devices.Started),
            DevicesEnded: Sum(s => s.Summary.Devices.Ended),
            DevicesCrashed: Sum(s => s.Summary.Devices.Crashed));
        return new RunOutcome(start, (end - start).TotalSeconds, rows, shards.Any(s => s.Summary.Cancelled), (int)Sum(s => s.Summary.Devices.Planned), Math.Max(rows.Count == 0 ? 0 : rows.Max(r => r.Connected), shards.Max(s => s.Summary.Devices.PeakConnected)))
        {
            ConnectedAtLastHold = Sum(s => s.Summary.Devices.ConnectedAtLastHold),
            FinalCensus = census,
            DevicesNotStopped = (int)Sum(s => s.Summary.Devices.NotStopped),
            AccountingBrokenSeconds = (int)Sum(s => s.Summary.Accounting.BrokenSeconds),
            ReportedProblem = shardProblems.Count == 0 ? null : string.Join("; ", shardProblems),
            ArrivalsPlanned = Sum(s => s.Summary.Accounting.ArrivalsPlanned),
            ArrivalsStarted = Sum(s => s.Summary.Accounting.ArrivalsStarted),
            Health = HealthTotals.Of(rows.Select(r => r.Health)),
            GeneratorSaturatedSeconds = (int)shards.Max(s => s.Summary.Generator.SaturatedSeconds),
        };
    }

    /// <summary>Rows of the same wall-clock second add up; health takes the worst shard; connect percentiles come from the summed buckets.</summary>
    private static List<SecondRow> MergeRows(IReadOnlyList<ShardRun> shards)
    {
        // A late tick can give one shard two rows in the same wall-clock second: their counts add up
        // (both seconds' connects happened), but states and health are levels, so the later row stands.
        var all = shards.SelectMany((s, shard) => s.Rows.Where(r => r.UnixSecond > 0).Select(r => (Shard: shard, Row: r)))
            .GroupBy(x => x.Row.UnixSecond).OrderBy(g => g.Key).ToList();
        if (all.Count == 0)
        {
            return [];
        }

        var origin = all[0].Key - 1;
        var merged = new List<SecondRow>(all.Count);
        var spans = shards.Select(s => s.Rows.Where(r => r.UnixSecond > 0).Select(r => r.UnixSecond).DefaultIfEmpty().Max()).ToArray();
        var latest = new SecondRow?[shards.Count];
        foreach (var g in all)
        {
            var flows = g.Select(x => x.Row).ToList();
            foreach (var x in g)
            {
                latest[x.Shard] = x.Row;
            }

            // A shard whose tick skipped this wall-clock second (a late tick the next second) still
            // has its devices: its last row's levels stand in, with no flows.
            var rs = latest.Select((r, shard) => (r, shard)).Where(x => x.r is not null && (g.Any(y => y.Shard == x.shard) || g.Key < spans[x.shard])).Select(x => x.r!).ToList();
            merged.Add(CombineSecond((int)(g.Key - origin), g.Key, flows, rs));
        }

        return merged;
    }

    /// <summary>
    /// One wall-clock second of many shards: flows (connects, publishes, errors, the connect
    /// histogram) are the sum of every row in that second; levels (devices by state, health) take
    /// each shard's row once, its last one standing in for a skipped second. Health takes the worst
    /// shard, except memory and open files, which add up.
    /// </summary>
    public static SecondRow CombineSecond(int second, long unixSecond, IReadOnlyList<SecondRow> flows, IReadOnlyList<SecondRow> levels)
    {
        var connect = new LatencyHistogram();
        foreach (var r in flows)
        {
            connect.Merge(LatencyHistogram.FromCompressedBase64(r.ConnectHistogram));
        }

        var errors = flows.SelectMany(r => r.ErrorsByClass).GroupBy(e => e.Key, StringComparer.Ordinal).ToDictionary(e => e.Key, e => e.Sum(x => x.Value), StringComparer.Ordinal);
        var h = levels.Select(r => r.Health).ToList();
        var health = new HealthSample(
            h.Max(x => x.CpuPercent),
            h.Any(x => x.MachineCpuPercent is not null) ? h.Max(x => x.MachineCpuPercent ?? 0) : null,
            h.Max(x => x.ThreadPoolQueue),
            h.Max(x => x.ThreadPoolThreads),
            h.Max(x => x.SchedulerLagP99Ms),
            h.Max(x => x.GcPauseMs),
            h.Any(x => x.OpenFiles is not null) ? h.Sum(x => x.OpenFiles ?? 0) : null,
            null,
            h.Sum(x => x.WorkingSetBytes),
            h.Any(x => x.Hot));
        var auth = flows.Where(r => r.Authorizer is not null).Select(r => r.Authorizer!.Value).ToList();
        return new SecondRow(
            second, levels[0].Phase, levels.Sum(r => r.Target), levels.Sum(r => r.Devices), levels.Sum(r => r.Connecting), levels.Sum(r => r.Connected),
            levels.Sum(r => r.BackingOff), levels.Sum(r => r.GivenUp), levels.All(r => r.AccountingHolds), levels.Sum(r => r.AttemptsInFlight),
            flows.Sum(r => r.ConnectsOk), flows.Sum(r => r.ConnectsFailed), flows.Sum(r => r.Publishes), flows.Sum(r => r.PubAcks), flows.Sum(r => r.Received), flows.Sum(r => r.Drops),
            connect.Count == 0 ? double.NaN : connect.Percentile(50) / 1000.0, connect.Count == 0 ? double.NaN : connect.Percentile(99) / 1000.0,
            errors, health)
        {
            UnixSecond = unixSecond,
            Sleeping = levels.Sum(r => r.Sleeping),
            Wakes = flows.Sum(r => r.Wakes),
            DownlinksMissed = flows.Sum(r => r.DownlinksMissed),
            ConnectHistogram = connect.Count == 0 ? string.Empty : connect.ToCompressedBase64(),
            Steps = StepSecond.Sum(flows.Select(r => r.Steps)),
            ConsumersReceived = flows.Sum(r => r.ConsumersReceived),
            CommandsReceived = flows.Sum(r => r.CommandsReceived),
            Authorizer = auth.Count == 0 ? null : new AuthorizerSample(auth.Sum(a => a.Invocations), auth.Sum(a => a.Refreshes), auth.Sum(a => a.Throttles), auth.Sum(a => a.ColdStarts), auth.Sum(a => a.Timeouts), levels.Where(r => r.Authorizer is not null).Sum(r => r.Authorizer!.Value.InFlight))
            {
                ConnectThrottles = auth.Sum(a => a.ConnectThrottles),
                ClientIdThrottles = auth.Sum(a => a.ClientIdThrottles),
            },
        };
    }

    private static ShardSummary Info(ShardRun s) => new()
    {
        Shard = s.Shard,
        Directory = s.Directory,
        Verdict = s.Summary.Verdict,
        StartedAt = s.Summary.StartedAt,
        StartSkewMs = s.Summary.StartSkewMs,
        Devices = s.Summary.Devices.Fleet,
        Successes = s.Totals.Successes,
        Failed = s.Totals.Failed,
        AccountingHolds = s.Summary.Accounting.Holds,
        GeneratorSaturated = s.Summary.Generator.Saturated,
        GeneratorSaturatedSeconds = s.Summary.Generator.SaturatedSeconds,
        CpuPercentMax = s.Summary.Generator.CpuPercentMax,
        GeneratorWarning = s.Summary.Generator.Warning,
    };
}
