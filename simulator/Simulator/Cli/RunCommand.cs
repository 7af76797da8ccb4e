using System.CommandLine;
using Simulator.Core.Load.Profiles;
using Simulator.Hosting;

namespace Simulator.Cli;

/// <summary><c>simulator run [--profile FILE] [--set path=value]…</c>: the fleet load run, on the generic host.</summary>
public static class RunCommand
{
    public const string DefaultProfile = "profiles/smoke.json";

    public static Command Create(TextWriter stdout)
    {
        var profile = new Option<string>("--profile") { Description = "Load profile (JSON).", DefaultValueFactory = _ => DefaultProfile };
        var set = new Option<string[]>("--set") { Description = "Override a profile value, e.g. --set fleet.count=500 --set phases[0].rate=100 is not supported; use dotted object paths." };
        var results = new Option<string>("--results") { Description = "Where run folders go.", DefaultValueFactory = _ => "results" };
        var noPreflight = new Option<bool>("--no-preflight") { Description = "Run even when preflight finds too few file descriptors or ports; what then fails is counted." };
        var command = new Command("run", "Run a fleet: onboard, connect through the custom authorizer, publish; write results and judge thresholds.") { profile, set, results, noPreflight };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(profile)!;
            var loaded = ProfileLoader.Load(path, parse.GetValue(set));
            var setup = new RunSetup
            {
                Profile = loaded,
                ProfilePath = path,
                ResultsRoot = parse.GetValue(results)!,
                Out = stdout,
                SkipPreflight = parse.GetValue(noPreflight),
                Interactive = !Console.IsOutputRedirected && ReferenceEquals(stdout, Console.Out),
            };
            return await HostedRun.RunAsync(setup, ct).ConfigureAwait(false);
        });
        return command;
    }
}
