using System.CommandLine;
using Simulator.Core.Load.Profiles;
using Simulator.Hosting;

namespace Simulator.Cli;

/// <summary><c>simulator capacity --profile FILE [--set …] [--results DIR]</c>: the highest sustainable connect rate through the profile's target.</summary>
internal static class CapacityCommand
{
    public static Command Create(TextWriter stdout)
    {
        var profile = new Option<string>("--profile") { Description = "Load profile (JSON); its capacity section sets the search.", Required = true };
        var set = new Option<string[]>("--set") { Description = "Override a profile value with a dotted path, e.g. --set capacity.maxRate=200." };
        var results = new Option<string>("--results") { Description = "Where result folders go.", DefaultValueFactory = _ => "results" };
        var noPreflight = new Option<bool>("--no-preflight") { Description = "Search even when preflight finds too few file descriptors or ports." };
        var dashboard = new Option<string?>("--dashboard") { Description = "Serve a live page of the search on [HOST:]PORT (loopback unless a host is given): each step's seconds, and each judged step on the offered-against-achieved curve." };
        var command = new Command("capacity", "Find the highest connect rate the target sustains within the profile's capacity limits; says when this machine, not the target, was the limit.") { profile, set, results, noPreflight, dashboard };
        command.SetAction(async (parse, ct) =>
        {
            var path = ShippedFiles.Resolve(parse.GetValue(profile)!);
            var loaded = ProfileLoader.Load(path, parse.GetValue(set));
            loaded = ShardAssignment.Resolve(loaded, null, Environment.GetEnvironmentVariable, path);
            var setup = new RunSetup
            {
                Profile = loaded,
                ProfilePath = path,
                ResultsRoot = parse.GetValue(results)!,
                Out = stdout,
                SkipPreflight = parse.GetValue(noPreflight),
                Capacity = true,
                Dashboard = parse.GetValue(dashboard) is { } where ? DashboardAddress.Parse(where) : null,
            };
            return await HostedRun.RunAsync(setup, ct).ConfigureAwait(false);
        });
        return command;
    }
}
