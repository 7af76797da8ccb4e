using Simulator.Tests.Cli;
using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

public sealed class CompareAndProbeTests
{
    [Fact]
    public async Task CompareFlagsALatencyRegressionAndPassesAnEqualRun()
    {
        using var tmp = new TempDir();
        var (_, _, _, dir) = await RunHarness.RunAsync(RunHarness.Profile("mqtt-alpn", "local-issuer", devices: 4), tmp);
        var summary = File.ReadAllText(Path.Combine(dir, "summary.json"));
        Directory.CreateDirectory(tmp["slow"]);
        var slower = System.Text.RegularExpressions.Regex.Replace(summary, "\"connect\": \\{[^}]*\\}", m => System.Text.RegularExpressions.Regex.Replace(m.Value, "\"p99Ms\": ([0-9.]+)", x => $"\"p99Ms\": {double.Parse(x.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * 3 + 50}"));
        File.WriteAllText(tmp["slow/summary.json"], slower);

        var same = await CliRunner.RunAsync("compare", dir, dir);
        Assert.Equal(0, same.Code);
        Assert.Contains("no regression", same.Out, StringComparison.Ordinal);

        var worse = await CliRunner.RunAsync("compare", dir, tmp["slow"]);
        Assert.Equal(1, worse.Code);
        Assert.Contains("| connect p99 (ms)", worse.Out, StringComparison.Ordinal);
        Assert.Contains("REGRESSION", worse.Out, StringComparison.Ordinal);

        var missing = await CliRunner.RunAsync("compare", dir, tmp["nothing"]);
        Assert.Equal(2, missing.Code);
    }

    [Fact]
    public async Task ProbeWalksOneDeviceThroughTheFlowAndNamesAFailure()
    {
        var smoke = Path.Combine(Peers.RepoRoot, "profiles", "smoke.json");
        var ok = await CliRunner.RunAsync("probe", "--profile", smoke, "--device", "2");
        Assert.True(ok.Code == 0, ok.Out + ok.Err);
        Assert.Contains("claims {\"iss\":\"https://device.connectivity-suite.cloud\"", ok.Out, StringComparison.Ordinal);
        Assert.Contains("signature <86 chars elided>", ok.Out, StringComparison.Ordinal);
        Assert.Matches("connect: dns=[0-9.]+ms tcp=[0-9.]+ms tls=[0-9.]+ms ws=[0-9.]+ms connack=[0-9.]+ms", ok.Out);
        Assert.Contains("own message back", ok.Out, StringComparison.Ordinal);

        // A device JWT presented to the 1NCE authorizer: denied, and probe says how.
        var denied = await CliRunner.RunAsync("probe", "--profile", smoke, "--set", "token.source=device-jwt", "--set", "token.authorizer=1nce-authorizer");
        Assert.Equal(1, denied.Code);
        Assert.Contains("connect: FAILED WebSocketUpgradeRefused", denied.Out, StringComparison.Ordinal);
        Assert.Contains("(HTTP 403)", denied.Out, StringComparison.Ordinal);
    }
}
