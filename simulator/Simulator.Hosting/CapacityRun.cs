using System.Globalization;
using Simulator.Core.Capacity;
using Simulator.Core.Load;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;
using Simulator.Core.Results;
using Simulator.Gateway;

namespace Simulator.Hosting;

/// <summary>
/// <c>simulator capacity</c>: the profile's target, token source and transport, offered connects
/// in steps of open-model arrivals (each device connects once, holds a short session, leaves) by
/// <see cref="CapacitySearch"/>. Every step is a whole engine run with its own census and the
/// generator's health, so a step this machine could not offer is never taken for the target's limit.
/// </summary>
internal static class CapacityRun
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> ExecuteAsync(RunSetup setup, CancellationToken stop)
    {
        var cap = setup.Profile.Capacity;

        // A generated fleet is sized so that, even at the maximum rate, a returned identity has rested
        // (AWS allows one connect per second per client id) and a slow target does not run it dry.
        var fleet = setup.Profile.Fleet;
        if (fleet.Directory is null)
        {
            fleet = fleet with { Count = Math.Max(fleet.Count, (int)Math.Ceiling(cap.MaxRate * (cap.SessionSeconds + IdentityPool.DefaultRest.TotalSeconds + (cap.Limits.ConnectP99Ms / 1000) + 1))) };
        }

        // The search's options: its fleet and sessions, and the largest step's plan for preflight; each step then is its own options.
        var profile = Step(setup.Profile with { Fleet = fleet, Device = setup.Profile.Device with { SessionSeconds = cap.SessionSeconds } }, cap.MaxRate);
        Gateway.Config.GatewayOptions? gateway = null; // parsed once, by preflight, and handed to the gateway as it was checked
        if (!setup.SkipPreflight)
        {
            var preflight = Preflight.Check(profile, setup.ProfilePath, setup.ResultsRoot);
            gateway = preflight.EmbeddedGateway;
            foreach (var warning in preflight.Warnings)
            {
                await setup.Out.WriteLineAsync("warning: " + warning).ConfigureAwait(false);
            }
        }

        var metrics = new RunMetrics();
        using var instruments = new RunInstruments(metrics);
        metrics.OnFirstUnexpected = (failureClass, message) => setup.Out.WriteLine($"warning: {failureClass} first seen: {message}");
        await using var env = await TargetEnvironment.CreateAsync(profile, setup.ProfilePath, metrics, setup.Out, stop, gateway).ConfigureAwait(false);
        var warm = await WarmUp.RunAsync(env.Services, env.Devices, setup.Out, stop).ConfigureAwait(false);
        if (warm.RefusedAll && profile.WarmUp.Required)
        {
            // Every step would measure the same refusal: there is no capacity to search for.
            await setup.Out.WriteLineAsync($"ABORTED before the search: the target refused every warm-up device ({warm.Tried} of {warm.Tried}): {warm.Describe()}. Check the target, its CA and the credentials (simulator probe); warmUp.required: false searches anyway.").ConfigureAwait(false);
            return ExitCodes.Failed;
        }

        var started = DateTimeOffset.UtcNow;
        if (TlsLine.Fallback(profile) is { } fallback)
        {
            await setup.Out.WriteLineAsync(fallback).ConfigureAwait(false);
        }

        await setup.Out.WriteLineAsync(string.Create(Inv, $"capacity '{profile.Name}': {ProfileEnumConverter<DeviceTransportKind>.ToName(profile.Transport.Kind)}{(profile.Device.MqttVersion == Core.Mqtt.MqttVersion.V500 ? " (MQTT 5)" : string.Empty)}, tokens from {ProfileEnumConverter<TokenSourceKind>.ToName(profile.Token.Source)}, {TlsLine.Describe(profile)}{LinkLine.Describe(profile)}; steps of {cap.StepSeconds:0.#} s from {cap.StartRate:0.#} to at most {cap.MaxRate:0.#} connects/s (x{cap.Growth:0.##}), sessions of {cap.SessionSeconds:0.#} s, {env.Devices.Count} identities")).ConfigureAwait(false);
        await setup.Out.WriteLineAsync(string.Create(Inv, $"a step is bad above {cap.Limits.ErrorRate:P2} errors, above p99 {cap.Limits.ConnectP99Ms:0} ms, or below {cap.Limits.MinAchievedShare:P0} of the offered rate achieved")).ConfigureAwait(false);

        await using var dashboard = setup.Dashboard is { } at ? await Dashboard.StartAsync(at, profile.Name, 0, env.Gateway is not null, setup.Out, capacity: true).ConfigureAwait(false) : null;
        var live = new LiveSteps(dashboard);
        var search = new CapacitySearch(cap, (rate, stage, index, ct) => RunStepAsync(env, instruments, profile, rate, stage, index, setup.Out, live, ct));
        var result = await search.RunAsync(stop).ConfigureAwait(false);
        setup.FlushMetrics?.Invoke();

        string dir;
        try
        {
            dir = CapacityReportWriter.Write(result, profile, started, setup.ResultsRoot);
            setup.ResultsDirectory = dir;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await setup.Out.WriteLineAsync($"error: the results could not be written under {setup.ResultsRoot}: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }

        var word = result.Cancelled ? "CANCELLED" : result.LimitedBy == LimitedBy.Generator ? "INCONCLUSIVE" : "FOUND";
        var verdict = string.Create(Inv, $"{word}: sustainable {result.SustainableConnectsPerSecond:0.#} connects/s, limited by {result.LimitedBy}");
        await setup.Out.WriteLineAsync($"{verdict}: {result.Conclusion}").ConfigureAwait(false);
        dashboard?.Finish(verdict, Path.Combine(dir, "report.html"));
        await setup.Out.WriteLineAsync($"report: {Path.Combine(dir, "report.html")} (summary.json, steps.csv, report.md beside it)").ConfigureAwait(false);
        return result.Cancelled ? ExitCodes.Cancelled : result.LimitedBy == LimitedBy.Generator ? ExitCodes.Failed : ExitCodes.Ok;
    }

    /// <summary>One step's plan: arrivals at the rate, then a pause in which their sessions end and slow connects finish.</summary>
    private static RunOptions Step(RunOptions profile, double rate)
    {
        var cap = profile.Capacity;
        return profile with
        {
            Phases =
            [
                new PhaseSettings { Kind = PhaseKind.Arrivals, Rate = rate, Seconds = cap.StepSeconds },
                new PhaseSettings { Kind = PhaseKind.Pause, Seconds = cap.SessionSeconds + (cap.Limits.ConnectP99Ms / 1000) + 0.5 },
            ],
        };
    }

    private static async Task<CapacityStep> RunStepAsync(TargetEnvironment env, RunInstruments instruments, RunOptions profile, double rate, string stage, int index, TextWriter output, LiveSteps live, CancellationToken ct)
    {
        var step = Step(profile, rate);

        // Each step records into a recorder of its own; the exported instruments follow it and keep counting.
        var metrics = new RunMetrics { OnFirstUnexpected = env.Services.Recorder.OnFirstUnexpected };
        instruments.Follow(metrics);
        var run = env.Services.WithRecorder(metrics);
        var before = TargetCounters(env.Gateway);
        var engine = run.Engine(env.Devices, run.Devices(), step.Phases);
        live.Follow(engine, string.Create(Inv, $"step {index} ({stage}) {rate:0.#}/s"));
        var outcome = await engine.RunAsync(ct).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        var judged = Judge(profile.Capacity, outcome, metrics.Snapshot(), rate, stage, index, Delta(before, TargetCounters(env.Gateway)));
        await output.WriteLineAsync(Line(judged)).ConfigureAwait(false);
        live.Judged(judged);
        if (profile.Capacity.CooldownSeconds > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(profile.Capacity.CooldownSeconds), ct).ConfigureAwait(false);
        }

        return judged;
    }

    /// <summary>Judges a step from figures kept apart from one another: visits started by the arrival thread, outcomes by the devices.</summary>
    internal static CapacityStep Judge(CapacitySettings cap, RunOutcome outcome, RunTotals metrics, double rate, string stage, int index, IReadOnlyDictionary<string, long>? target)
    {
        var failures = metrics.Failures.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var interrupted = metrics.Interrupted;
        if (interrupted > 0)
        {
            failures["StillConnectingAtStepEnd"] = interrupted;
        }

        var visits = outcome.ArrivalsStarted;
        var failed = metrics.Failed + interrupted;
        var errorRate = visits == 0 ? 1 : failed / (double)visits;
        var connect = metrics[Phase.Connect];
        var p50 = connect.Count == 0 ? double.NaN : connect.Percentile(50) / 1000.0;
        var p99 = connect.Count == 0 ? double.NaN : connect.Percentile(99) / 1000.0;
        var achieved = metrics.Successes / cap.StepSeconds;
        var broken = new List<string>();
        if (errorRate > cap.Limits.ErrorRate)
        {
            broken.Add(string.Create(Inv, $"error rate {errorRate:P2} > {cap.Limits.ErrorRate:P2} ({string.Join(", ", failures.OrderByDescending(f => f.Value).Select(f => $"{f.Key} {f.Value}"))})"));
        }

        if (!(p99 <= cap.Limits.ConnectP99Ms))
        {
            broken.Add(string.Create(Inv, $"connect p99 {p99:0} ms > {cap.Limits.ConnectP99Ms:0} ms"));
        }

        if (achieved < rate * cap.Limits.MinAchievedShare)
        {
            broken.Add(string.Create(Inv, $"achieved {achieved:0.#}/s < {cap.Limits.MinAchievedShare:P0} of {rate:0.#}/s offered"));
        }

        if (metrics.Successes + failed != visits)
        {
            broken.Add($"accounting: {visits} visits started but {metrics.Successes} connected and {failed} failed");
        }

        if (outcome.IdentityWaits > 0)
        {
            broken.Add($"{outcome.IdentityWaits} arrivals waited for a free identity: the fleet is too small for this rate (raise fleet.count)");
        }

        return new CapacityStep
        {
            Index = index,
            Stage = stage,
            OfferedPerSecond = rate,
            AchievedPerSecond = Math.Round(achieved, 2),
            Seconds = cap.StepSeconds,
            Attempts = visits,
            Successes = metrics.Successes,
            Failures = failures,
            ErrorRate = errorRate,
            ConnectP50Ms = p50,
            ConnectP99Ms = p99,
            GeneratorSaturatedSeconds = outcome.GeneratorSaturatedSeconds,
            GeneratorCpuPeakPercent = outcome.Health.CpuPercentMax,
            MachineCpuPeakPercent = outcome.Health.MachineCpuPercentMax,
            SchedulerLagP99Ms = outcome.Health.SchedulerLagP99MsMax,
            HotSeconds = outcome.Health.HotSeconds,
            GcPauseMaxMs = outcome.Health.GcPauseMsMax,
            ArrivalsLate = outcome.ArrivalsLate,
            ArrivalLatenessMaxMs = Math.Round(outcome.ArrivalLatenessMaxMs, 1),
            IdentityWaits = outcome.IdentityWaits,
            Target = target,
            Broken = broken,
        };
    }

    private static string Line(CapacityStep s)
    {
        var head = string.Create(Inv, $"step {s.Index,2} {s.Stage,-6} offered {s.OfferedPerSecond,7:0.0}/s achieved {s.AchievedPerSecond,7:0.0}/s errors {s.ErrorRate,7:P2} p50 {s.ConnectP50Ms,7:0.0} p99 {s.ConnectP99Ms,7:0.0} ms | cpu {s.GeneratorCpuPeakPercent,3:0}% (machine {s.MachineCpuPeakPercent ?? double.NaN,3:0}%){(s.GeneratorSaturatedSeconds > 0 ? " SATURATED" : string.Empty)}");
        var target = s.Target is { } t ? " | target: " + string.Join(", ", t.Where(kv => kv.Value != 0).Select(kv => $"{kv.Key} {kv.Value}")) : string.Empty;
        var disturbed = s.Disturbed ? string.Create(Inv, $" | generator disturbed: {s.HotSeconds} hot s, GC pause max {s.GcPauseMaxMs:0} ms, {s.ArrivalsLate} arrivals late (max {s.ArrivalLatenessMaxMs:0} ms)") : string.Empty;
        return s.Good ? $"{head} | good{target}" : $"{head} | BAD: {string.Join("; ", s.Broken)}{target}{disturbed}";
    }

    /// <summary>The embedded gateway's view: authorizer invocations, throttles, cold starts, timeouts and denies by reason.</summary>
    private static Dictionary<string, long>? TargetCounters(LocalGateway? gateway)
    {
        if (gateway is null)
        {
            return null;
        }

        var c = gateway.Counters;
        var d = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["connectsAccepted"] = c.ConnectsAccepted,
            ["authorizerInvocations"] = c.Functions.Sum(f => f.Invocations),
            ["authorizerThrottles"] = c.Functions.Sum(f => f.Throttles),
            ["authorizerColdStarts"] = c.Functions.Sum(f => f.ColdStarts),
            ["authorizerTimeouts"] = c.Functions.Sum(f => f.Timeouts),
        };
        foreach (var (reason, n) in c.Denies)
        {
            d["denied:" + reason] = n;
        }

        return d;
    }

    private static Dictionary<string, long>? Delta(Dictionary<string, long>? before, Dictionary<string, long>? after) =>
        before is null || after is null ? null : after.ToDictionary(kv => kv.Key, kv => kv.Value - before.GetValueOrDefault(kv.Key), StringComparer.Ordinal);
}
