using System.CommandLine;
using Simulator.Core.Load.Profiles;
using Simulator.Hosting;

namespace Simulator.Cli;

/// <summary><c>simulator probe [--profile FILE] [--device I]</c>: one device through the whole flow, verbosely.</summary>
internal static class ProbeCommand
{
    public static Command Create(TextWriter stdout)
    {
        var profile = new Option<string>("--profile") { Description = "Load profile (JSON).", DefaultValueFactory = _ => RunCommand.DefaultProfile };
        var device = new Option<int>("--device") { Description = "Device index.", DefaultValueFactory = _ => 0 };
        var set = new Option<string[]>("--set") { Description = "Override a profile value (dotted path=value)." };
        var command = new Command("probe", "Take one device through token, connect, subscribe, publish and back, printing each phase.") { profile, device, set };
        command.SetAction(async (parse, ct) =>
        {
            var path = ShippedFiles.Resolve(parse.GetValue(profile)!);
            var loaded = ProfileLoader.Load(path, parse.GetValue(set));
            loaded = ShardAssignment.Resolve(loaded, null, Environment.GetEnvironmentVariable, path);
            return await Probe.ExecuteAsync(loaded, path, parse.GetValue(device), stdout, ct).ConfigureAwait(false);
        });
        return command;
    }
}
