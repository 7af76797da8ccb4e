using System.Text.Json;
using Simulator.Tests.Cli;
using Simulator.Tests.Support;

namespace Simulator.Tests.Capacity;

/// <summary>
/// <c>simulator capacity</c> end to end against the embedded gateway: real devices, TLS, device
/// JWTs, the authorizer's Lambda capacity. It finds a known capacity and names the target, and with
/// an unlimited authorizer it never claims a target limit it did not see.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class CapacityRunTests
{
    private static string Profile(string lambda, string capacity, int mqttVersion = 4) => $$"""
        {
          "name": "capacity-test",
          "target": { "kind": "embedded" },
          "fleet": { "count": 20, "seed": "9" },
          "token": { "source": "device-jwt" },
          "transport": { "kind": "mqtt-alpn" },
          "device": { "publishIntervalSeconds": 60, "qos": 1, "mqttVersion": {{mqttVersion}} },
          "warmUp": { "devices": 5 },
          "capacity": {{capacity}},
          "gateway": {
            "authorizers": [ { "name": "device-jwt", "type": "device-jwt", "signingDisabled": true{{lambda}} } ],
            "defaultAuthorizer": "device-jwt"
          }
        }
        """;

    private static async Task<(int Code, string Output, JsonElement Summary)> RunAsync(TempDir tmp, string profile)
    {
        File.WriteAllText(tmp["p.json"], profile);
        var r = await CliRunner.RunAsync("capacity", "--profile", tmp["p.json"], "--results", tmp["results"]);
        var dir = Directory.GetDirectories(tmp["results"]).Single();
        Assert.True(File.Exists(Path.Combine(dir, "report.html")) && File.Exists(Path.Combine(dir, "steps.csv")) && File.Exists(Path.Combine(dir, "report.md")));
        return (r.Code, r.Out + r.Err, JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json"))).RootElement.Clone());
    }

    [Fact]
    [Trait(Tier.Name, Tier.Full)]
    public async Task ItFindsTheAuthorizersCapacityAndNamesTheTarget()
    {
        // 5 concurrent executions of 100 ms: about 50 invocations a second at most.
        var profile = Profile(
            """, "lambda": { "concurrency": 5, "durationP50Ms": 100, "durationP99Ms": 100 }""",
            """{ "startRate": 20, "maxRate": 200, "growth": 1.5, "stepSeconds": 5, "sessionSeconds": 0.5, "cooldownSeconds": 1, "refineSteps": 3, "limits": { "errorRate": 0.05 } }""");
        using var tmp = new TempDir();
        var (code, output, summary) = await RunAsync(tmp, profile);

        // A search that saw its own machine stall at the breaking rate says INCONCLUSIVE and asks to
        // be run again; a user would, and so does this test, once.
        if (summary.GetProperty("capacity").GetProperty("limitedBy").GetString() == "generator")
        {
            using var again = new TempDir();
            (code, output, summary) = await RunAsync(again, profile);
        }

        var capacity = summary.GetProperty("capacity");
        Assert.True(code == 0, output);
        Assert.DoesNotContain("no capacity model", output, StringComparison.Ordinal);
        Assert.True(capacity.GetProperty("limitedBy").GetString() == "target", output);

        // A loss system throttles some connects before it is fully busy, more so the burstier the
        // arrivals. Even arrivals lose nothing below 50/s; Poisson arrivals into 5 servers lose 5 %
        // at 22/s (Erlang B). A loaded test machine's arrivals lie between the two, so the answer
        // does too, and never above the function's 50/s (+15 % for the duration's timer slack).
        var found = capacity.GetProperty("sustainableConnectsPerSecond").GetDouble();
        Assert.True(found is >= 22.2 and <= 57.5, $"found {found}/s, expected between 22.2 (Poisson) and 57.5 (50 + 15 %)\n{output}");

        // The bad steps name the throttles where they happened: at the target's authorizer.
        var bad = capacity.GetProperty("steps").EnumerateArray().Where(s => !s.GetProperty("good").GetBoolean()).ToList();
        Assert.NotEmpty(bad);
        Assert.All(bad, s => Assert.True(s.GetProperty("target").GetProperty("denied:AuthorizerThrottled").GetInt64() > 0, s.ToString()));
        Assert.All(capacity.GetProperty("steps").EnumerateArray(), s => Assert.Equal(s.GetProperty("attempts").GetInt64(), (long)Math.Round(s.GetProperty("offeredPerSecond").GetDouble() * 5)));
    }

    [Fact]
    public async Task ACapacityProfileNeedsNoPhasesAndRunRefusesItByName()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["p.json"], Profile(string.Empty, """{ "startRate": 20, "maxRate": 45 }"""));
        var r = await CliRunner.RunAsync("run", "--profile", tmp["p.json"], "--results", tmp["results"]);
        Assert.Equal(2, r.Code);
        Assert.Contains("$.phases", r.Err, StringComparison.Ordinal);
        Assert.Contains("simulator capacity", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
    }

    /// <summary>On MQTT 5, so that the search is shown to run unchanged there: the same steps, the same answer (3.1.1 is the search above).</summary>
    [Fact]
    public async Task AnUnlimitedAuthorizerIsNeverReportedAsTheLimit()
    {
        const int mqttVersion = 5;
        using var tmp = new TempDir();
        var (code, output, summary) = await RunAsync(tmp, Profile(
            string.Empty,
            """{ "startRate": 20, "maxRate": 45, "growth": 1.5, "stepSeconds": 4, "sessionSeconds": 0.5, "cooldownSeconds": 1 }""",
            mqttVersion));
        var capacity = summary.GetProperty("capacity");
        Assert.True(code == 0, output);
        Assert.Contains("warning: authorizer 'device-jwt' has no capacity model", output, StringComparison.Ordinal);
        Assert.Equal("maxRate", capacity.GetProperty("limitedBy").GetString());
        Assert.Equal(45, capacity.GetProperty("sustainableConnectsPerSecond").GetDouble());
        Assert.Contains("at least", capacity.GetProperty("conclusion").GetString(), StringComparison.Ordinal);
        Assert.All(capacity.GetProperty("steps").EnumerateArray(), s => Assert.Equal(s.GetProperty("attempts").GetInt64(), s.GetProperty("successes").GetInt64()));
    }
}
