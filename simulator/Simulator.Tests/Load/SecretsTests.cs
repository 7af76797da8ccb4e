using Simulator.Tests.Cli;
using Simulator.Tests.Support;
using Simulator.Tests.Support.Devices;

namespace Simulator.Tests.Load;

/// <summary>The fleet seed derives every key: it is kept like a key, and results carry only its fingerprint.</summary>
public sealed class SecretsTests
{
    [Fact]
    public async Task FleetJsonIsOwnerOnlyAndResultsCarryOnlyASeedFingerprint()
    {
        using var tmp = new TempDir();
        var r = await CliRunner.RunAsync("fleet", "create", "--count", "2", "--seed", "424242", "--out", tmp["fleet"]);
        Assert.Equal(0, r.Code);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tmp["fleet/fleet.json"]));

        // The embedded gateway's settings carry an API key and, in an authorizer's callout URL, credentials: none reach the results.
        var gateway = """
            , "gateway": { "nrfCloudApiKey": "api-key-5150-not-for-results",
              "authorizers": [ { "name": "1nce-authorizer", "type": "1nce", "signingDisabled": true },
                               { "name": "lambda", "type": "http", "calloutUrl": "https://callout-user:callout-pass-9931@127.0.0.1:9/auth?code=query-secret-7788" } ] }
            """;
        var (_, _, summary, dir) = await RunHarness.RunAsync(RunHarness.Profile("mqtt-alpn", "local-issuer", devices: 2, extra: gateway).Replace("\"seed\": \"7\"", "\"seed\": \"424242\"", StringComparison.Ordinal), tmp);
        var fleet = summary.GetProperty("profile").GetProperty("fleet");
        Assert.False(fleet.TryGetProperty("seed", out _));
        Assert.StartsWith("sha256:", fleet.GetProperty("seedFingerprint").GetString(), StringComparison.Ordinal);
        Assert.Equal("https://127.0.0.1:9/auth (credentials <redacted>)", summary.GetProperty("profile").GetProperty("gateway").GetProperty("authorizers")[1].GetProperty("calloutUrl").GetString());
        foreach (var file in Directory.GetFiles(dir))
        {
            var text = File.ReadAllText(file);
            foreach (var secret in new[] { "424242", "api-key-5150", "callout-pass-9931", "callout-user", "query-secret-7788" })
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{Path.GetFileName(file)} holds {secret}");
            }
        }
    }

    [Fact]
    public async Task A_256_bit_seed_in_a_profile_runs_and_results_hold_none_of_it()
    {
        using var tmp = new TempDir();
        var seed = Simulator.Core.Identity.FleetSeed.Random().ToString();
        var (code, _, summary, dir) = await RunHarness.RunAsync(RunHarness.Profile("mqtt-alpn", "local-issuer", devices: 2).Replace("\"seed\": \"7\"", $"\"seed\": \"{seed}\"", StringComparison.Ordinal), tmp);
        Assert.Equal(0, code);
        Assert.Equal(Simulator.Core.Identity.FleetSeed.Parse(seed).Fingerprint, summary.GetProperty("profile").GetProperty("fleet").GetProperty("seedFingerprint").GetString());
        foreach (var file in Directory.GetFiles(dir))
        {
            var text = File.ReadAllText(file);
            Assert.False(text.Contains(seed[..16], StringComparison.OrdinalIgnoreCase), $"{Path.GetFileName(file)} holds the seed");
        }
    }

    [Fact]
    public async Task A_generated_fleet_with_a_short_seed_signing_for_a_real_target_is_warned_of()
    {
        const string Hold = """[ { "kind": "ramp", "to": 2, "rate": 50 }, { "kind": "hold", "seconds": 0.5 } ]""";
        using var tmp = new TempDir();
        var (_, output, _, _) = await RunHarness.RunAsync(RunHarness.DeviceOnlyProfile(Hold, 2, """, "thresholds": {}"""), tmp, devices: _ => _ => new IdleDevice());
        Assert.Contains("warning: the fleet is generated from a 64-bit seed", output, StringComparison.Ordinal);

        using var strong = new TempDir();
        var profile = RunHarness.DeviceOnlyProfile(Hold, 2, """, "thresholds": {}""").Replace("\"seed\": \"11\"", $"\"seed\": \"{Simulator.Core.Identity.FleetSeed.Random()}\"", StringComparison.Ordinal);
        (_, output, _, _) = await RunHarness.RunAsync(profile, strong, devices: _ => _ => new IdleDevice());
        Assert.DoesNotContain("generated from a", output, StringComparison.Ordinal);
    }
}
