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
    public async Task CompareFailsOnAMissingOrEmptyHistogramAZeroBaselineAndACancelledRun()
    {
        using var tmp = new TempDir();
        var (_, _, _, dir) = await RunHarness.RunAsync(RunHarness.Profile("mqtt-alpn", "local-issuer", devices: 4), tmp);
        var summary = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!;

        void Write(string name, Action<System.Text.Json.Nodes.JsonNode> change)
        {
            var copy = summary.DeepClone();
            change(copy);
            Directory.CreateDirectory(tmp[name]);
            File.WriteAllText(tmp[$"{name}/summary.json"], copy.ToJsonString());
        }

        Write("no-puback", s => s["histograms"]!.AsObject().Remove("pubAck"));
        Write("empty-puback", s => s["histograms"]!["pubAck"]!["count"] = 0);
        Write("zero-base", s => { s["histograms"]!["dns"]!["p50Ms"] = 0.0; s["histograms"]!["dns"]!["p99Ms"] = 0.0; });
        Write("slow-dns", s => { s["histograms"]!["dns"]!["p50Ms"] = 5.0; s["histograms"]!["dns"]!["p99Ms"] = 5.0; });
        Write("cancelled", s => s["cancelled"] = true);

        var missing = await CliRunner.RunAsync("compare", dir, tmp["no-puback"]);
        Assert.Equal(1, missing.Code);
        Assert.Contains("| pubAck |", missing.Out, StringComparison.Ordinal);
        Assert.Contains("MISSING", missing.Out, StringComparison.Ordinal);
        Assert.Equal(1, (await CliRunner.RunAsync("compare", dir, tmp["empty-puback"])).Code);

        var fromZero = await CliRunner.RunAsync("compare", tmp["zero-base"], tmp["slow-dns"]);
        Assert.Equal(1, fromZero.Code);
        Assert.Contains("from 0", fromZero.Out, StringComparison.Ordinal);

        var cancelledBase = await CliRunner.RunAsync("compare", tmp["cancelled"], dir);
        Assert.Equal(2, cancelledBase.Code);
        Assert.Contains("cannot serve as a baseline", cancelledBase.Err, StringComparison.Ordinal);
        Assert.Equal(1, (await CliRunner.RunAsync("compare", dir, tmp["cancelled"])).Code);
    }

    [Theory]
    [InlineData("[1,2,3]", "not a run summary")]
    [InlineData("{\"schemaVersion\": 2}", "profileName")]
    [InlineData("{\"schemaVersion\": 2, \"histograms\": {}, \"profileName\": \"x\"}", "startedAt")]
    [InlineData("not json", "invalid summary.json")]
    public async Task CompareNamesWhatIsWrongWithASummary(string body, string expected)
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp["bad"]);
        File.WriteAllText(tmp["bad/summary.json"], body);
        var r = await CliRunner.RunAsync("compare", tmp["bad"], tmp["bad"]);
        Assert.Equal(2, r.Code);
        Assert.Contains(expected, r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompareNamesBothMissingRunsAndRefusesANegativeTolerance()
    {
        using var tmp = new TempDir();
        var r = await CliRunner.RunAsync("compare", tmp["a"], tmp["b"]);
        Assert.Equal(2, r.Code);
        Assert.Contains(tmp["a"], r.Err, StringComparison.Ordinal);
        Assert.Contains(tmp["b"], r.Err, StringComparison.Ordinal);
        var t = await CliRunner.RunAsync("compare", tmp["a"], tmp["b"], "--tolerance", "-1");
        Assert.Equal(2, t.Code);
        Assert.Contains("--tolerance", t.Err, StringComparison.Ordinal);
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
