using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Simulator.Core.Errors;
using Simulator.Core.Load.Profiles;
using Simulator.Gateway.Config;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>
/// A profile's gateway section mutated out of its types and bounds, key by key, from the gateway
/// config's own source-generated metadata (the profile schema leaves the section open): every
/// leaf given another JSON type, a fraction for an integer, a number past any double or long, and
/// a negative. Each profile goes through the loader and the section's parse as a run reads them:
/// a value of the wrong type, or one past its range, must be refused as bad input with its path
/// under $.gateway; nothing may throw anything else.
/// </summary>
public sealed class GatewaySectionFuzzTests
{
    /// <summary>Keys where a negative is a value the gateway takes: none today.</summary>
    private static readonly HashSet<string> NegativeAllowed = [];

    private sealed record Leaf(string[] Path, Type Type);

    private static IEnumerable<Leaf> Leaves(JsonTypeInfo info, string[] path, int depth)
    {
        foreach (var p in info.Properties)
        {
            var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            var child = GatewayConfigJsonContext.Default.GetTypeInfo(type);
            if (child is { Kind: JsonTypeInfoKind.Object } && depth < 4)
            {
                foreach (var leaf in Leaves(child, [.. path, p.Name], depth + 1))
                {
                    yield return leaf;
                }
            }
            else if (child is { Kind: JsonTypeInfoKind.Enumerable, ElementType: { } element } && GatewayConfigJsonContext.Default.GetTypeInfo(element) is { Kind: JsonTypeInfoKind.Object } items && depth < 4)
            {
                // A list of objects (authorizers): its first element, which the basis provides.
                foreach (var leaf in Leaves(items, [.. path, p.Name, "0"], depth + 1))
                {
                    yield return leaf;
                }
            }
            else if (type == typeof(int) || type == typeof(long) || type == typeof(double) || type == typeof(bool) || type == typeof(string))
            {
                yield return new Leaf([.. path, p.Name], type);
            }
        }
    }

    private static IEnumerable<(string Label, string Json, bool MustRefuse)> Mutations(Type t)
    {
        var numeric = t == typeof(int) || t == typeof(long) || t == typeof(double);
        if (t != typeof(string))
        {
            yield return ("a string", "\"5\"", true);
        }

        if (t != typeof(bool))
        {
            yield return ("a boolean", "true", true);
        }

        if (!numeric)
        {
            yield return ("a number", "5", true);
        }

        yield return ("an object", "{}", true);
        yield return ("an array", "[1]", true);
        if (numeric)
        {
            yield return ("a number past any double", "1e400", true);
            yield return ("a negative", "-1", false);
        }

        if (t == typeof(int) || t == typeof(long))
        {
            yield return ("a fraction", "5.5", true);
            yield return ("an integer past any long", "99999999999999999999999", true);
        }
    }

    private static string Profile(string[] path, string json)
    {
        var gateway = new JsonObject
        {
            ["authorizers"] = new JsonArray(new JsonObject { ["name"] = "device-jwt", ["type"] = "device-jwt", ["signingDisabled"] = true }),
            ["defaultAuthorizer"] = "device-jwt",
        };
        JsonNode parent = gateway;
        for (var i = 0; i < path.Length - 1; i++)
        {
            var key = path[i];
            var next = parent is JsonArray a ? a[int.Parse(key, System.Globalization.CultureInfo.InvariantCulture)] : parent[key];
            if (next is null)
            {
                next = new JsonObject();
                ((JsonObject)parent)[key] = next;
            }

            parent = next;
        }

        ((JsonObject)parent)[path[^1]] = JsonNode.Parse(json);
        return $$"""
            { "name": "fuzz", "target": { "kind": "embedded" }, "fleet": { "count": 10, "seed": "1" },
              "token": { "source": "device-jwt" }, "transport": { "kind": "mqtt-alpn" },
              "phases": [ { "kind": "ramp", "rate": 10 } ], "gateway": {{gateway.ToJsonString()}} }
            """;
    }

    [Fact]
    public void EveryGatewayKeyRefusesWhatItCannotTake()
    {
        using var tmp = new TempDir();
        var leaves = Leaves(GatewayConfigJsonContext.Default.GatewayOptions, [], 0).ToList();
        Assert.True(leaves.Count >= 50, $"{leaves.Count} gateway keys found");
        var accepted = new List<string>();
        var crashed = new List<string>();
        var profiles = 0;
        foreach (var leaf in leaves)
        {
            foreach (var (label, json, mustRefuse) in Mutations(leaf.Type))
            {
                var file = tmp[$"p{profiles++}.json"];
                File.WriteAllText(file, Profile(leaf.Path, json));
                var where = "$.gateway." + string.Join('.', leaf.Path).Replace(".0.", "[0].", StringComparison.Ordinal);
                try
                {
                    var options = ProfileLoader.Load(file);
                    GatewayConfig.FromJson(options.Gateway!.Value, file);
                    if (mustRefuse || !NegativeAllowed.Contains(where))
                    {
                        accepted.Add($"{where} = {json} ({label})");
                    }
                }
                catch (InputException e)
                {
                    Assert.True(e.Field is { } f && f.StartsWith("$.gateway", StringComparison.Ordinal), $"{where} = {json}: blamed on {e.Field}: {e.Message}");
                }
                catch (Exception e)
                {
                    crashed.Add($"{where} = {json} ({label}): {e.GetType().Name}: {e.Message}");
                }
            }
        }

        Assert.True(profiles > 300, $"{profiles} profiles");
        Assert.True(crashed.Count == 0, $"{crashed.Count} mutated gateway sections threw something else:\n{string.Join('\n', crashed)}");
        Assert.True(accepted.Count == 0, $"{accepted.Count} of {profiles} mutated gateway sections were accepted:\n{string.Join('\n', accepted)}");
    }
}
