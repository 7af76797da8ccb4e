using System.CommandLine;
using Simulator.Core.Errors;
using Simulator.Core.Load.Profiles;
using Simulator.Hosting;

namespace Simulator.Cli;

/// <summary><c>simulator profiles</c>: the shipped profiles, each with its description, checked as <c>run</c> would load it.</summary>
internal static class ProfilesCommand
{
    public static Command Create(TextWriter stdout)
    {
        var dir = new Option<string>("--dir") { Description = "The folder of profiles.", DefaultValueFactory = _ => "profiles" };
        var command = new Command("profiles", "List the profiles in a folder (profiles/ by default) with their descriptions.") { dir };
        command.SetAction(parse =>
        {
            var folder = ShippedFiles.ResolveFolder(parse.GetValue(dir)!);
            if (!Directory.Exists(folder))
            {
                throw new InputException("no such folder (run from the project's root, or give --dir)", folder);
            }

            var files = Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0)
            {
                throw new InputException("holds no profiles (*.json)", folder);
            }

            var width = files.Max(f => f.Length);
            var broken = 0;
            foreach (var file in files)
            {
                string line;
                try
                {
                    var options = ProfileLoader.Load(file);
                    line = string.IsNullOrWhiteSpace(options.Description) ? "(no description)" : options.Description;
                }
                catch (InputException e)
                {
                    broken++;
                    line = $"does not load: {e.Message}";
                }

                stdout.WriteLine($"{file.PadRight(width)}  {line}");
            }

            return broken == 0 ? ExitCodes.Ok : ExitCodes.BadInput;
        });
        return command;
    }
}
