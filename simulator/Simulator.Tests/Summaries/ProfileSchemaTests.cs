using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Simulator.Core.Load.Profiles;
using Simulator.Tests.Support;

namespace Simulator.Tests.Summaries;

/// <summary>docs/profile.schema.json: generated from the loader's types, naming every choice's values, and fitting every shipped profile.</summary>
public sealed class ProfileSchemaTests
{
    private static readonly string SchemaFile = Path.Combine(Peers.RepoRoot, "docs", "profile.schema.json");

    [Fact]
    public void TheCommittedSchemaIsTheGeneratedOne() =>
        Assert.True(File.ReadAllText(SchemaFile) == ProfileSchema.Write(), $"{SchemaFile} is stale: regenerate it with `simulator schema --of profile`");

    [Fact]
    public void EveryShippedProfileNamesTheSchemaAndFitsIt()
    {
        var profiles = Directory.GetFiles(Path.Combine(Peers.RepoRoot, "profiles"), "*.json");
        Assert.NotEmpty(profiles);
        foreach (var file in profiles)
        {
            var node = Parse(File.ReadAllText(file));
            Assert.Equal("../docs/profile.schema.json", node["$schema"]?.GetValue<string>());
            var problems = Problems(node);
            Assert.True(problems.Count == 0, $"{file}:\n{string.Join('\n', problems)}");
            _ = ProfileLoader.Load(file); // and the loader takes it
        }
    }

    [Theory]
    [InlineData("""{ "name": "x", "fleet": { "count": 5, "colour": "red" } }""", "/fleet")] // a key the loader refuses
    [InlineData("""{ "name": "x", "transport": { "kind": "mqtt-quic" } }""", "/transport/kind")] // a choice it does not know
    [InlineData("""{ "name": "x", "phases": [ { "kind": "ramp", "rate": "fast" } ] }""", "/phases/0/rate")] // a wrong type
    [InlineData("""{ "name": "x", "thresholds": { "errorRate": 0.01, "p99": 5 } }""", "/thresholds")]
    public void WhatTheLoaderRefusesTheSchemaRefuses(string profile, string location)
    {
        var problems = Problems(Parse(profile));
        Assert.Contains(problems, p => p.StartsWith(location, StringComparison.Ordinal));
        Assert.ThrowsAny<Simulator.Core.Errors.InputException>(() => ProfileLoader.Parse(System.Text.Encoding.UTF8.GetBytes(profile), "p.json"));
    }

    [Fact]
    public void EveryChoiceInTheProfileTypesHasItsNamesInTheSchema()
    {
        var seen = new HashSet<Type>();
        var choices = new HashSet<Type>();
        void Walk(Type t)
        {
            t = Nullable.GetUnderlyingType(t) ?? t;
            if (t.IsEnum)
            {
                choices.Add(t);
                return;
            }

            if (t.IsGenericType && t.GetGenericArguments() is [var item])
            {
                Walk(item);
                return;
            }

            if (!seen.Add(t) || t.Namespace != typeof(ProfileLoader).Namespace)
            {
                return;
            }

            foreach (var p in t.GetProperties())
            {
                Walk(p.PropertyType);
            }
        }

        Walk(typeof(ProfileLoader).Assembly.GetType("Simulator.Core.Load.Profiles.ProfileDocument")!);
        Assert.True(choices.Count >= 8, $"found only {choices.Count} choices");
        Assert.Empty(choices.Except(ProfileSchema.ChoiceNames.Keys).Except(ProfileSchema.NumberChoices.Keys));

        // And the schema says so: every key has a type (a choice, its names), but the gateway's own section.
        var open = new List<string>();
        void Keys(JsonNode? node, string path)
        {
            if (node is not JsonObject o)
            {
                return;
            }

            if (o["properties"] is JsonObject properties)
            {
                foreach (var (name, value) in properties)
                {
                    // A key of several forms (device.link: a name or an object) is typed in each of them.
                    if (value is JsonObject p && p["type"] is null && (p["oneOf"] is not JsonArray forms || forms.Any(f => f?["type"] is null)))
                    {
                        open.Add(path + "/" + name);
                    }

                    Keys(value, path + "/" + name);
                }
            }

            Keys(o["items"], path + "[]");
        }

        Keys(JsonNode.Parse(ProfileSchema.Write()), string.Empty);
        Assert.True(open.Count == 0, "keys the schema leaves open: " + string.Join(", ", open));
    }

    private static JsonNode Parse(string text) =>
        JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })!;

    private static List<string> Problems(JsonNode node)
    {
        var schema = JsonSchema.FromText(File.ReadAllText(SchemaFile));
        using var doc = JsonDocument.Parse(node.ToJsonString());
        var result = schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return result.IsValid ? [] : [.. (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value}"))];
    }
}
