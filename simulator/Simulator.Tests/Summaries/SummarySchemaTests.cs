using System.Text.Json.Nodes;
using Simulator.Core.Errors;
using Simulator.Core.Results.Summary;
using Simulator.Tests.Cli;
using Simulator.Tests.Load;
using Simulator.Tests.Support;

namespace Simulator.Tests.Summaries;

/// <summary>summary.json has one shape: the types write it, read it, and generate the committed schema it is checked against.</summary>
public sealed class SummarySchemaTests
{
    [Fact]
    public async Task TheCommittedSchemaIsTheOneTheTypesGenerate()
    {
        var printed = await CliRunner.RunAsync("schema");
        Assert.Equal(0, printed.Code);
        Assert.Equal(SummaryJson.Schema(), printed.Out);
        Assert.True(
            File.ReadAllText(SummarySchema.SchemaFile) == printed.Out,
            "docs/summary.schema.json is not what the summary's types generate; regenerate it: dotnet run --project simulator/Simulator -- schema > docs/summary.schema.json");
    }

    [Fact]
    public async Task AWrittenSummaryFitsTheSchemaReadsBackAsWrittenAndABrokenOneIsRefusedByBoth()
    {
        using var tmp = new TempDir();
        var (_, _, _, dir) = await RunHarness.RunAsync(RunHarness.Profile("mqtt-alpn", "local-issuer", devices: 4), tmp);
        var file = Path.Combine(dir, "summary.json");
        var text = File.ReadAllText(file);
        SummarySchema.AssertValid(file);

        // Read into the types and written again, it is the same file, byte for byte: nothing is lost or reshaped.
        Assert.Equal(text, SummaryJson.Write(SummaryJson.Read(file)));

        // Each break fails the schema and the reader, and the reader names the field.
        var breaks = new (string Field, Action<JsonObject> Break)[]
        {
            ("devices.fleet", s => s["devices"]!["fleet"] = "four"),
            ("accounting.holds", s => s["accounting"]!.AsObject().Remove("holds")),
            ("histograms.connect.p99Ms", s => s["histograms"]!["connect"]!["p99Ms"] = null),
            ("spare", s => s["spare"] = 1),
        };
        foreach (var (field, change) in breaks)
        {
            var node = JsonNode.Parse(text)!.AsObject();
            change(node);
            var broken = node.ToJsonString();
            Assert.NotEmpty(SummarySchema.Problems(broken));
            File.WriteAllText(tmp["broken.json"], broken);
            var e = Assert.Throws<InputException>(() => SummaryJson.Read(tmp["broken.json"]));
            Assert.True(e.Field == field, $"{field}: the reader named {e.Field}: {e.Message}");
        }
    }
}
