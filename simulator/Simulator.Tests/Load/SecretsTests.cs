using Simulator.Tests.Cli;
using Simulator.Tests.Support;

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

        var (_, _, summary, dir) = await RunHarness.RunAsync(RunHarness.Profile("mqtt-alpn", "local-issuer", devices: 2).Replace("\"seed\": \"7\"", "\"seed\": \"424242\"", StringComparison.Ordinal), tmp);
        var fleet = summary.GetProperty("profile").GetProperty("fleet");
        Assert.False(fleet.TryGetProperty("seed", out _));
        Assert.StartsWith("sha256:", fleet.GetProperty("seedFingerprint").GetString(), StringComparison.Ordinal);
        foreach (var file in Directory.GetFiles(dir))
        {
            Assert.DoesNotContain("424242", File.ReadAllText(file), StringComparison.Ordinal);
        }
    }
}
