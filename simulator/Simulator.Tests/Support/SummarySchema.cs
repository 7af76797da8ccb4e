using System.Text.Json;
using Json.Schema;

namespace Simulator.Tests.Support;

/// <summary>docs/summary.schema.json as a validator (JsonSchema.Net): what a summary breaks, each as "location: error".</summary>
public static class SummarySchema
{
    public static string SchemaFile { get; } = Path.Combine(Peers.RepoRoot, "docs", "summary.schema.json");

    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(SchemaFile)));

    public static List<string> Problems(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var result = Schema.Value.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        return result.IsValid ? [] : [.. (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value}"))];
    }

    /// <summary>Fails with every problem listed when the file does not fit the schema.</summary>
    public static void AssertValid(string summaryFile)
    {
        var problems = Problems(File.ReadAllText(summaryFile));
        Assert.True(problems.Count == 0, $"{summaryFile} does not fit {SchemaFile}:\n{string.Join('\n', problems)}");
    }
}
