using System.CommandLine;
using Simulator.Core.Results.Summary;
using Simulator.Hosting;

namespace Simulator.Cli;

/// <summary><c>simulator schema</c>: the JSON Schema of summary.json, generated from the types that write it (docs/summary.schema.json).</summary>
internal static class SchemaCommand
{
    public static Command Create(TextWriter stdout)
    {
        var command = new Command("schema", "Print the JSON Schema of a run's summary.json.");
        command.SetAction(_ =>
        {
            stdout.Write(SummaryJson.Schema());
            return ExitCodes.Ok;
        });
        return command;
    }
}
