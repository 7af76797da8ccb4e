using System.CommandLine;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Results.Summary;
using Simulator.Hosting;

namespace Simulator.Cli;

/// <summary>
/// <c>simulator schema [--of summary|profile]</c>: the JSON Schema of summary.json or of a profile,
/// generated from the types that write or read it (docs/summary.schema.json, docs/profile.schema.json).
/// </summary>
internal static class SchemaCommand
{
    public static Command Create(TextWriter stdout)
    {
        var of = new Option<string>("--of") { Description = "summary (a run's summary.json, the default) or profile (profiles/*.json).", DefaultValueFactory = _ => "summary" };
        of.AcceptOnlyFromAmong("summary", "profile");
        var command = new Command("schema", "Print the JSON Schema of a run's summary.json, or of a profile.") { of };
        command.SetAction(parse =>
        {
            stdout.Write(parse.GetValue(of) == "profile" ? ProfileSchema.Write() : SummaryJson.Schema());
            return ExitCodes.Ok;
        });
        return command;
    }
}
