using System.CommandLine;
using Simulator.Core.Load.Profiles;
using Simulator.Hosting;

namespace Simulator.Cli;

/// <summary><c>simulator run [--profile FILE] [--set path=value]…</c>: the fleet load run, on the generic host.</summary>
internal static class RunCommand
{
    public const string DefaultProfile = "profiles/smoke.json";

    public static Command Create(TextWriter stdout)
    {
        var profile = new Option<string>("--profile") { Description = "Load profile (JSON).", DefaultValueFactory = _ => DefaultProfile };
        var set = new Option<string[]>("--set") { Description = "Override a profile value, e.g. --set fleet.count=500 --set phases[0].rate=100 is not supported; use dotted object paths." };
        var results = new Option<string>("--results") { Description = "Where run folders go.", DefaultValueFactory = _ => "results" };
        var noPreflight = new Option<bool>("--no-preflight") { Description = "Run even when preflight finds too few file descriptors or ports; what then fails is counted." };
        var shards = new Option<int?>("--shards") { Description = "How many shards the fleet is split into, with fleet.shard \"auto\" (the index then comes from JOB_COMPLETION_INDEX); default SIMULATOR_SHARDS." };
        var startAt = new Option<string?>("--start-at") { Description = "RFC 3339 instant at which the plan starts (after set-up and warm-up), so all shards' phases line up; overrides the profile's startAt." };
        var workers = new Option<int?>("--workers") { Description = "Run the fleet as N worker processes on this machine (shards 0..N-1, as an Indexed Job's pods would), then merge their results." };
        var samples = new Option<bool>("--connect-samples") { Description = "Also write every successful connect's latency (µs, one per line) to connect-samples.txt, for audits." };
        var dashboard = new Option<string?>("--dashboard") { Description = "Serve a live page of the run on [HOST:]PORT (loopback unless a host is given), updated each second." };
        var metricsPort = new Option<int?>("--metrics-port") { Description = "Serve every instrument as a Prometheus scrape endpoint on this port (path /metrics); with --workers, worker i uses port + i." };
        var metricsHost = new Option<string>("--metrics-host") { Description = "Address the Prometheus endpoint listens on; default loopback (127.0.0.1), or every address (+) in a Kubernetes pod, where the scraper is another pod.", DefaultValueFactory = _ => MetricsHostDefault.For(Environment.GetEnvironmentVariable) };
        var otlp = new Option<string?>("--otlp-endpoint") { Description = "Export every instrument over OTLP/HTTP to this collector, e.g. http://otel-collector:4318." };
        var scenarios = new Option<string?>("--scenarios") { Description = "Scenarios written as code: a scenario project's built .dll, or the project (.csproj, or its folder), built first in Release. Its scenario replaces the profile's device.scenario." };
        var scenarioName = new Option<string?>("--scenario") { Description = "Which scenario of --scenarios to run, by its name; needed when the assembly has more than one." };
        var workerRows = new Option<bool>("--worker-rows") { Description = "Set by run --workers on its workers: stream each second's row to the combined console.", Hidden = true };
        var command = new Command("run", "Run a fleet: onboard, connect through the custom authorizer, publish; write results and judge thresholds.") { profile, set, results, noPreflight, shards, startAt, workers, samples, metricsPort, metricsHost, otlp, workerRows, dashboard, scenarios, scenarioName };
        command.SetAction(async (parse, ct) =>
        {
            var path = ShippedFiles.Resolve(parse.GetValue(profile)!);
            var loaded = ProfileLoader.Load(path, parse.GetValue(set));
            if (loaded.Phases.Count == 0)
            {
                throw new Core.Errors.InputException("the profile has no phases, only a capacity section: run it with simulator capacity, or add phases", path, field: "$.phases");
            }
            if (parse.GetValue(startAt) is { } at)
            {
                loaded = loaded with { StartAt = ProfileLoader.TryParseInstant(at, out var instant) ? instant : throw new Core.Errors.InputException($"must be an RFC 3339 instant with its offset, e.g. 2026-11-24T10:00:00Z, got \"{at}\"", field: "--start-at") };
            }

            // Loaded before any work starts, so a wrong path or name is a bad-input error like the profile's.
            var assemblyPath = parse.GetValue(scenarios) is { } given ? ScenarioAssembly.Resolve(given) : null; // a project is built here, once
            var code = assemblyPath is not null ? ScenarioAssembly.Pick(ScenarioAssembly.Load(assemblyPath), parse.GetValue(scenarioName), parse.GetValue(scenarios)!) : null;
            if (code is null && parse.GetValue(scenarioName) is not null)
            {
                throw new Core.Errors.InputException("names a scenario of --scenarios, which is missing", field: "--scenario");
            }

            string[] scenarioArgs = code is null ? [] : ["--scenarios", assemblyPath!, "--scenario", code.Name];
            if (parse.GetValue(workers) is { } n)
            {
                if (parse.GetValue(shards) is not null)
                {
                    throw new Core.Errors.InputException("--workers sets the number of shards itself; leave --shards out", field: "--shards");
                }

                return await WorkerRun.ExecuteAsync(n, path, parse.GetValue(set) ?? [], parse.GetValue(results)!, parse.GetValue(startAt), parse.GetValue(noPreflight), parse.GetValue(samples), parse.GetValue(metricsPort), parse.GetValue(metricsHost)!, parse.GetValue(otlp), loaded, stdout, ct, parse.GetValue(dashboard) is { } over ? DashboardAddress.Parse(over) : null, scenarioArgs).ConfigureAwait(false);
            }

            loaded = ShardAssignment.Resolve(loaded, parse.GetValue(shards), Environment.GetEnvironmentVariable, path);
            var setup = new RunSetup
            {
                Profile = loaded,
                ProfilePath = path,
                ResultsRoot = parse.GetValue(results)!,
                Out = stdout,
                SkipPreflight = parse.GetValue(noPreflight),
                ConnectSamples = parse.GetValue(samples),
                MetricsPort = parse.GetValue(metricsPort),
                Dashboard = parse.GetValue(dashboard) is { } where ? DashboardAddress.Parse(where) : null,
                MetricsHost = parse.GetValue(metricsHost)!,
                OtlpEndpoint = parse.GetValue(otlp),
                Interactive = !Console.IsOutputRedirected && ReferenceEquals(stdout, Console.Out) && !parse.GetValue(workerRows),
                WorkerRows = parse.GetValue(workerRows),
                Scenario = code,
            };
            return await HostedRun.RunAsync(setup, ct).ConfigureAwait(false);
        });
        return command;
    }
}
