using System.Text;
using System.Text.Json.Nodes;
using Simulator.Core.Errors;
using Simulator.Core.Load.Profiles;
using Simulator.Tests.Support;

namespace Simulator.Tests.Summaries;

/// <summary>
/// Profiles mutated out of their types, choices and bounds, generated from docs/profile.schema.json:
/// every key of the schema, each given values it cannot take (another JSON type, a fraction for an
/// integer, a negative, a number past any double, an integer past any long, a choice that does not
/// exist). Each must be refused as bad input (the loader's <see cref="InputException"/>: exit 2 from
/// the CLI, with the file and the path), never accepted, never another exception, never a hang.
/// </summary>
public sealed class ProfileFuzzTests
{
    private const string Raw = "\u0001raw\u0001";

    /// <summary>A valid profile to mutate: telemetry over TLS, one ramp and one hold.</summary>
    private const string Basis = """
        { "name": "fuzz", "target": { "kind": "embedded" }, "fleet": { "count": 10, "seed": "1" },
          "token": { "source": "device-jwt" }, "transport": { "kind": "mqtt-alpn" },
          "device": { "publishIntervalSeconds": 10, "qos": 1 },
          "phases": [ { "kind": "ramp", "rate": 10 }, { "kind": "hold", "seconds": 5 } ] }
        """;

    private sealed record Leaf(string[] Path, HashSet<string> Types, HashSet<string>? Choices);

    private static IEnumerable<Leaf> Leaves(JsonNode node, string[] path)
    {
        if (node is not JsonObject o)
        {
            yield break;
        }

        if (o["properties"] is JsonObject properties)
        {
            foreach (var (key, child) in properties)
            {
                foreach (var leaf in Leaves(child!, [.. path, key]))
                {
                    yield return leaf;
                }
            }

            yield break;
        }

        if (o["items"] is JsonNode items)
        {
            foreach (var leaf in Leaves(items, [.. path, "0"]))
            {
                yield return leaf;
            }

            yield break;
        }

        var types = o["type"] switch
        {
            JsonArray a => a.Select(t => t!.GetValue<string>()).ToHashSet(),
            JsonValue v => [v.GetValue<string>()],
            _ => [],
        };
        var choices = o["enum"] is JsonArray e ? e.Where(c => c is not null).Select(c => c!.ToJsonString()).ToHashSet() : null;
        if (types.Count > 0 && !types.Contains("object"))
        {
            yield return new Leaf(path, types, choices);
        }
    }

    /// <summary>Values the leaf cannot take: (label, JSON text).</summary>
    private static IEnumerable<(string Label, string Json)> Mutations(Leaf leaf)
    {
        var t = leaf.Types;
        var numeric = t.Contains("integer") || t.Contains("number");
        if (!t.Contains("string"))
        {
            yield return ("a string", "\"5\"");
        }

        if (!t.Contains("boolean"))
        {
            yield return ("a boolean", "true");
        }

        if (!numeric)
        {
            yield return ("a number", "5");
        }

        yield return ("an object", "{}");
        yield return ("an array", "[1]");
        if (numeric)
        {
            yield return ("a negative", "-1");
            yield return ("a number past any double", "1e400");
            yield return ("a number no run can reach", "1e308");
        }

        if (t.Contains("integer"))
        {
            yield return ("a fraction", "5.5");
            yield return ("an integer past any long", "99999999999999999999999");
        }

        if (leaf.Choices is not null)
        {
            // A name it does not know, or for a choice written as a number (the MQTT level), a number that is none of them.
            yield return ("a choice that does not exist", t.Contains("integer") ? Enumerable.Range(0, 100).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).First(n => !leaf.Choices.Contains(n)) : "\"no-such-choice\"");
        }
    }

    private static string Mutate(string[] path, string json)
    {
        JsonNode root = JsonNode.Parse(Basis)!;
        JsonNode parent = root;
        for (var i = 0; i < path.Length - 1; i++)
        {
            var key = path[i];
            if (parent is JsonArray array)
            {
                parent = array[int.Parse(key, System.Globalization.CultureInfo.InvariantCulture)]!;
                continue;
            }

            var next = parent[key];
            if (next is null)
            {
                next = path[i + 1] == "0" ? new JsonArray(new JsonObject()) : new JsonObject();
                parent[key] = next;
            }

            parent = next;
        }

        var last = path[^1];
        if (parent is JsonArray items)
        {
            items[int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)] = Raw;
        }
        else
        {
            parent[last] = Raw;
        }

        return root.ToJsonString().Replace($"\"{Raw.Replace("\u0001", "\\u0001", StringComparison.Ordinal)}\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryKeyGivenAValueItCannotTakeIsRefusedAsBadInput()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(Peers.RepoRoot, "docs", "profile.schema.json")))!;
        var leaves = Leaves(schema, []).Where(l => l.Path[0] != "$schema").ToList();
        Assert.True(leaves.Count > 80, $"only {leaves.Count} keys found in the schema");
        var failures = new List<string>();
        var tried = 0;
        foreach (var leaf in leaves)
        {
            foreach (var (label, json) in Mutations(leaf))
            {
                tried++;
                var profile = Mutate(leaf.Path, json);
                var where = $"$.{string.Join('.', leaf.Path)} = {json} ({label})";
                Assert.Contains(json, profile, StringComparison.Ordinal);
                var parse = Task.Run(() => ProfileLoader.Parse(Encoding.UTF8.GetBytes(profile), "fuzz.json"));
                try
                {
                    if (await Task.WhenAny(parse, Task.Delay(TimeSpan.FromSeconds(10))) != parse)
                    {
                        failures.Add($"{where}: still loading after 10 s");
                        continue;
                    }

                    await parse;
                    failures.Add($"{where}: accepted");
                }
                catch (InputException bad)
                {
                    if (bad.Message.Contains("   at ", StringComparison.Ordinal) || bad.Message.Contains("System.", StringComparison.Ordinal))
                    {
                        failures.Add($"{where}: refused with .NET's own text: {bad.Message}");
                    }
                }
                catch (Exception e)
                {
                    failures.Add($"{where}: {e.GetType().Name}: {e.Message}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {tried} mutated profiles were not refused as bad input:\n{string.Join('\n', failures)}");
    }
}
