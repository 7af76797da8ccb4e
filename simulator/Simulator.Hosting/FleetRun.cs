using Simulator.Core.Errors;
using Simulator.Core.Load;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Load.Scenarios;
using Simulator.Core.Metrics;
using Simulator.Core.Results;

namespace Simulator.Hosting;

/// <summary>
/// One run end to end: preflight, the target environment, the engine, the console, and the
/// results. Results are written even when the run is stopped early, marked cancelled.
/// </summary>
internal static class FleetRun
{
    public static async Task<int> ExecuteAsync(RunSetup setup, CancellationToken stop)
    {
        var profile = setup.Profile;
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
        if (setup.ConnectSamples)
        {
            metrics.KeepConnectSamples();
        }

        await using var env = await TargetEnvironment.CreateAsync(profile, setup.ProfilePath, metrics, setup.Out, stop, gateway).ConfigureAwait(false);
        var warm = setup.DeviceFactory is null ? await WarmUp.RunAsync(env.Services, env.Devices, setup.Out, stop).ConfigureAwait(false) : WarmUpResult.None;
        if (warm.RefusedAll && profile.WarmUp.Required)
        {
            return await AbortAsync(setup, env, metrics, warm).ConfigureAwait(false);
        }

        var skew = await StartAtAsync(profile, setup.Out, stop).ConfigureAwait(false);
        var engine = env.Services.Engine(env.Devices, setup.DeviceFactory?.Invoke(env.Services) ?? env.Services.Devices(setup.Scenario));
        if (TlsLine.Fallback(profile) is { } fallback)
        {
            await setup.Out.WriteLineAsync(fallback).ConfigureAwait(false);
        }

        // The backend is listening before the first device publishes.
        BackendConsumers? consumers = null;
        if (env.Consumers is { } access && profile.Consumers.Count > 0)
        {
            try
            {
                consumers = await BackendConsumers.StartAsync(profile.Consumers, profile.Device, access.Directory, metrics, access.Connection, stop).ConfigureAwait(false);
            }
            catch (ConnectionFailedException e)
            {
                await setup.Out.WriteLineAsync($"error: the backend consumers could not start: {e.FailureClass}: {e.Detail}").ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            await setup.Out.WriteLineAsync($"consumers: {profile.Consumers.Count} on {profile.Consumers.FilterFor(profile.Device.Topic)}, QoS {profile.Consumers.Qos}").ConfigureAwait(false);
        }

        await using var consumersOwned = consumers;
        CloudCommander? commander = null;
        if (env.Consumers is { } backend && profile.Commands.RatePerSecond > 0)
        {
            try
            {
                commander = await CloudCommander.StartAsync(profile.Commands, backend.Directory, metrics.CommandCounts, backend.CommanderConnection(), stop).ConfigureAwait(false);
            }
            catch (ConnectionFailedException e)
            {
                await setup.Out.WriteLineAsync($"error: the command sender could not connect: {e.FailureClass}: {e.Detail}").ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            await setup.Out.WriteLineAsync($"commands: {profile.Commands.RatePerSecond:0.##}/s to {profile.Commands.Topic}, QoS {profile.Commands.Qos}, until the last hold ends").ConfigureAwait(false);
        }

        await using var commanderOwned = commander;

        // The folder exists before the first arrival and takes each second as it closes: a run that dies leaves its rows (simulator report).
        RunFolder folder;
        try
        {
            folder = RunFolder.Create(setup.ResultsRoot, profile, DateTimeOffset.UtcNow, new RunStart(env.Devices.Count, engine.Plan.PeakDevices, engine.Plan.TotalSeconds, env.Gateway is not null, skew));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await setup.Out.WriteLineAsync($"error: the results folder could not be created under {setup.ResultsRoot}: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }

        await using var streaming = folder.ConfigureAwait(false);
        setup.ResultsDirectory = folder.Path;
        await using var dashboard = setup.Dashboard is { } at ? await Dashboard.StartAsync(at, profile.Name, engine.Plan.TotalSeconds, env.Gateway is not null, setup.Out).ConfigureAwait(false) : null;
        engine.RowClosed = dashboard is null ? folder.Append : row =>
        {
            folder.Append(row);
            dashboard.Publish(row);
        };
        if (commander is not null)
        {
            // Commands go while the fleet is meant to be up: to the end of the last hold (or of the plan).
            var stopAt = engine.Plan.LastHoldEndSecond ?? engine.Plan.TotalSeconds;
            var closed = engine.RowClosed;
            engine.RowClosed = row =>
            {
                closed(row);
                if (row.Second >= Math.Floor(stopAt))
                {
                    commander.Stop();
                }
            };
        }
        await setup.Out.WriteLineAsync($"run '{profile.Name}': {env.Devices.Count} devices (shard {profile.Fleet.Shard}), {ProfileEnumConverter<DeviceTransportKind>.ToName(profile.Transport.Kind)}{(profile.Device.MqttVersion == Core.Mqtt.MqttVersion.V500 ? " (MQTT 5)" : string.Empty)}, tokens from {ProfileEnumConverter<TokenSourceKind>.ToName(profile.Token.Source)}, {TlsLine.Describe(profile)}{LinkLine.Describe(profile)}, {engine.Plan.TotalSeconds:F0} s planned").ConfigureAwait(false);
        await setup.Out.WriteLineAsync(RunReport.DescribeThresholds(profile)).ConfigureAwait(false);
        var console = ConsoleReporter.RunAsync(engine, setup);
        var outcome = await engine.RunAsync(stop).ConfigureAwait(false);
        await console.ConfigureAwait(false);
        if (consumers is not null)
        {
            // Messages in flight at the stop still arrive; then what no consumer got is settled.
            await consumers.DrainAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            var tally = metrics.Deliveries;
            metrics.Consumers = new ConsumerTotals
            {
                Count = profile.Consumers.Count,
                Topic = profile.Consumers.FilterFor(profile.Device.Topic),
                Received = tally.Received,
                Duplicates = tally.Duplicates,
                Unknown = tally.Unknown,
                Lost = tally.Lost,
                DroppedConnections = consumers.Dropped,
            };
        }

        if (commander is not null)
        {
            await commander.FinishAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            metrics.Commands = new CommandTotals { RatePerSecond = profile.Commands.RatePerSecond, Topic = profile.Commands.Topic, Sent = metrics.CommandCounts.Sent, Received = metrics.CommandCounts.Received };
        }

        setup.FlushMetrics?.Invoke();

        var report = new RunReport(profile, outcome, metrics.Snapshot(), env.Devices.Count) { EmbeddedGateway = env.Gateway is not null, StartSkewMs = skew };
        try
        {
            await folder.CompleteAsync().ConfigureAwait(false);
            ResultsWriter.WriteInto(report, folder.Path, rowsOnDisk: folder.RowsComplete);
            if (metrics.ConnectSamples is { } samples)
            {
                await File.WriteAllLinesAsync(Path.Combine(setup.ResultsDirectory, "connect-samples.txt"), samples.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await setup.Out.WriteLineAsync($"error: the results could not be written under {setup.ResultsRoot}: {e.Message}").ConfigureAwait(false);
            await ConsoleReporter.PrintSummaryAsync(report, setup).ConfigureAwait(false);
            return ExitCodes.Failed;
        }

        dashboard?.Finish(ResultsWriter.VerdictWord(report), Path.Combine(folder.Path, "report.html"));
        await ConsoleReporter.PrintSummaryAsync(report, setup).ConfigureAwait(false);
        return ExitCodes.For(report.Verdict);
    }

    /// <summary>
    /// The target refused every warm-up device: the plan is not run (it would only measure the same
    /// refusal thousands of times), and the results say so, verdict ABORTED, exit 1, the warm-up's
    /// attempts counted as the failures they were.
    /// </summary>
    private static async Task<int> AbortAsync(RunSetup setup, TargetEnvironment env, RunMetrics metrics, WarmUpResult warm)
    {
        var profile = setup.Profile;
        var why = $"the target refused every warm-up device ({warm.Tried} of {warm.Tried}): {warm.Describe()}";
        foreach (var (failureClass, n) in warm.Failures)
        {
            for (var i = 0; i < n; i++)
            {
                metrics.AttemptFailed(failureClass);
            }
        }

        var plan = new LoadPlan(profile.Phases, env.Devices.Count);
        var now = DateTimeOffset.UtcNow;
        var census = new FleetCensus(0, 0, 0, 0, 0, StatesMatchDevices: true, AttemptsStarted: warm.Tried, AttemptsEnded: warm.Tried, DevicesStarted: 0, DevicesEnded: 0, DevicesCrashed: 0);
        var outcome = new RunOutcome(now, 0, [], Cancelled: false, plan.PeakDevices, 0) { FinalCensus = census };
        var report = new RunReport(profile, outcome, metrics.Snapshot(), env.Devices.Count) { EmbeddedGateway = env.Gateway is not null, Aborted = why };
        await setup.Out.WriteLineAsync($"ABORTED before the plan: {why}. Check the target, its CA and the credentials (simulator probe takes one device through, verbosely); warmUp.required: false runs the plan anyway.").ConfigureAwait(false);
        try
        {
            var folder = RunFolder.Create(setup.ResultsRoot, profile, now, new RunStart(env.Devices.Count, plan.PeakDevices, plan.TotalSeconds, env.Gateway is not null, null));
            await using (folder.ConfigureAwait(false))
            {
                setup.ResultsDirectory = folder.Path;
                await folder.CompleteAsync().ConfigureAwait(false);
                ResultsWriter.WriteInto(report, folder.Path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await setup.Out.WriteLineAsync($"error: the results could not be written under {setup.ResultsRoot}: {e.Message}").ConfigureAwait(false);
        }

        await ConsoleReporter.PrintSummaryAsync(report, setup).ConfigureAwait(false);
        return ExitCodes.For(report.Verdict);
    }

    /// <summary>A shard late by more than this is warned about: its phases no longer line up with the others'.</summary>
    public static readonly TimeSpan SkewWarning = TimeSpan.FromSeconds(1);

    /// <summary>Waits for the profile's agreed start (after set-up and warm-up) and returns how late the plan starts after it, in ms; null when none was set.</summary>
    private static async Task<double?> StartAtAsync(Core.Load.Profiles.RunOptions profile, TextWriter output, CancellationToken stop)
    {
        if (profile.StartAt is not { } at)
        {
            return null;
        }

        var wait = at - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await output.WriteLineAsync($"waiting {wait.TotalSeconds:F1} s for the agreed start at {at.UtcDateTime:O}").ConfigureAwait(false);
            await Task.Delay(wait, stop).ConfigureAwait(false);
        }

        var skew = (DateTimeOffset.UtcNow - at).TotalMilliseconds;
        if (skew > SkewWarning.TotalMilliseconds)
        {
            await output.WriteLineAsync($"warning: this shard's plan starts {skew / 1000:F1} s after the agreed start at {at.UtcDateTime:O} (set-up and warm-up took longer): its phases do not line up with the other shards'; give a later --start-at").ConfigureAwait(false);
        }

        return skew;
    }
}
