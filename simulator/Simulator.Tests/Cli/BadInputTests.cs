using Simulator.Tests.Support;

namespace Simulator.Tests.Cli;

/// <summary>
/// One error boundary: every verb turns bad input into exit 2 naming the file, flag or JSON path
/// (and what is allowed), and run-time failures into exit 1 in one line. Never a stack trace, never
/// a .NET type name. Each row is a case a new user hit.
/// </summary>
public sealed class BadInputTests
{
    [Theory]
    [InlineData(2, "this is a folder", "run", "--profile", "{tmp}")]
    [InlineData(2, "--out", "fleet", "create", "--count", "3", "--seed", "1", "--out", "{tmp}/afile/sub")]
    [InlineData(2, "--out", "fleet", "create", "--count", "3", "--seed", "1", "--out", "/proc/nope")]
    [InlineData(2, "whole number", "fleet", "create", "--count", "10000000000", "--seed", "1", "--out", "{tmp}/f")]
    [InlineData(2, "-p must be 1 to 65535", "pub", "-p", "70000", "-t", "a", "-m", "x")]
    [InlineData(2, "--connect-timeout must be above 0", "pub", "--connect-timeout", "-1", "-t", "a", "-m", "x")]
    [InlineData(2, "cannot read the payload file", "pub", "-t", "a", "-f", "{tmp}/missing-file")]
    [InlineData(2, "[MQTT-3.3.2-2]", "pub", "-t", "a/#", "-m", "x")]
    [InlineData(2, "[MQTT-3.3.2-2]", "pub", "-t", "a/+/b", "-q", "1", "-m", "x")]
    [InlineData(2, "[MQTT-4.7.3-3]", "pub", "-t", "{long-topic}", "-m", "x")]
    [InlineData(2, "[MQTT-4.7.1-2]", "sub", "-t", "a/#/b")]
    [InlineData(2, "must be 0 or more", "compare", "{tmp}", "{tmp}", "--tolerance", "-1")]
    [InlineData(2, "the port must be 0 to 65535", "gateway", "--listen", "127.0.0.1:99999")]
    [InlineData(2, "is not an IP address to listen on", "gateway", "--config", "{tmp}/bad-listen.json")]
    [InlineData(2, "not loopback, needs an explicit nrfCloudApiKey", "gateway", "--listen", "0.0.0.0:0")]
    [InlineData(2, "--set fleet.count=abc", "run", "--profile", "{smoke}", "--set", "fleet.count=abc")]
    [InlineData(2, "unknown key \"colour\"", "run", "--profile", "{tmp}/colour.json")]
    [InlineData(2, "results folder is not writable", "run", "--profile", "{smoke}", "--results", "/proc/nope")]
    [InlineData(2, "the CA file holds no certificate", "run", "--profile", "{tmp}/ca-not-a-cert.json")]
    [InlineData(2, "the CA file holds a CERTIFICATE block that is not a certificate", "run", "--profile", "{tmp}/ca-garbled.json")]
    public async Task BadInputIsNamedWithoutAStackTrace(int code, string expected, params string[] args)
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["afile"], "x");
        File.WriteAllText(tmp["bad-listen.json"], """{ "listenAddress": "x" }""");
        File.WriteAllText(tmp["colour.json"], """{ "fleet": { "colour": "red" }, "phases": [ { "kind": "hold", "seconds": 1 } ] }""");
        File.WriteAllText(tmp["garbled.pem"], "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        foreach (var (profile, ca) in new[] { ("ca-not-a-cert.json", tmp["afile"]), ("ca-garbled.json", tmp["garbled.pem"]) })
        {
            File.WriteAllText(tmp[profile], $$"""{ "target": { "kind": "endpoint", "host": "localhost", "port": 1, "caFile": "{{ca}}" }, "token": { "source": "device-jwt" }, "phases": [ { "kind": "hold", "seconds": 1 } ] }""");
        }
        var resolved = args.Select(a => a.Replace("{tmp}", tmp.Path, StringComparison.Ordinal).Replace("{long-topic}", new string('a', 70_000), StringComparison.Ordinal).Replace("{smoke}", Path.Combine(Peers.RepoRoot, "profiles", "smoke.json"), StringComparison.Ordinal)).ToArray();
        var r = await CliRunner.RunAsync(resolved);
        var all = r.Out + r.Err;
        Assert.True(r.Code == code, $"exit {r.Code}: {all}");
        Assert.Contains(expected, all, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", all, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Simulator.Core", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGatewayOnAPortInUseSaysSoInOneLine()
    {
        using var tmp = new TempDir();
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        // Its own process: the host's loggers write to the real console, which an in-process run does not capture.
        var r = await SimulatorProcess.RunAsync(["gateway", "--listen", $"127.0.0.1:{port}", "--data", tmp["gw"]], tmp.Path);
        var all = r.Out + r.Err;
        Assert.True(r.Code == 1, $"exit {r.Code}: {all}");
        Assert.Contains("already in use", all, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", all, StringComparison.Ordinal);
        Assert.Single(all.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task TheGatewayStopsGracefullyOnASignal(string signal)
    {
        using var tmp = new TempDir();
        using var gateway = await RunningSimulator.StartAsync(["gateway", "--listen", "127.0.0.1:0", "--data", tmp["gw"]], tmp.Path, "onboarding:");
        var (code, took) = await gateway.SignalAsync(signal);
        Assert.True(took < TimeSpan.FromSeconds(5), $"took {took}");
        Assert.Equal(0, code);
        Assert.Contains("gateway stopping", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportingTheNrfCloudGuidesKeyFolderSkipsItsPublicKey()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp["keys"]);
        await Proc.CheckAsync("openssl", ["ecparam", "-out", tmp["keys/private-key.pem"], "-name", "prime256v1", "-genkey"]);
        await Proc.CheckAsync("openssl", ["ec", "-in", tmp["keys/private-key.pem"], "-pubout", "-out", tmp["keys/public-key.pem"]]);
        var r = await CliRunner.RunAsync("fleet", "import", "--keys", tmp["keys"], "--out", tmp["fleet"]);
        Assert.True(r.Code == 0, r.Out + r.Err);
        Assert.Contains("imported 1 devices", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenRefusesAKeyFileThatIsNotTheListedKey()
    {
        using var tmp = new TempDir();
        var made = await CliRunner.RunAsync("fleet", "create", "--count", "2", "--seed", "7", "--out", tmp["fleet"]);
        Assert.True(made.Code == 0, made.Out + made.Err);
        var good = await CliRunner.RunAsync("token", "--fleet", tmp["fleet"], "--device", "1");
        Assert.True(good.Code == 0, good.Out + good.Err);

        // The key file is what a user flashes to a device: if it was swapped, a token from the seed would be silently wrong.
        var keyFile = Directory.GetFiles(tmp["fleet/keys"]).Order(StringComparer.Ordinal).Last();
        await Proc.CheckAsync("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyFile]);
        var r1 = await CliRunner.RunAsync("token", "--fleet", tmp["fleet"], "--device", "0");
        var r2 = await CliRunner.RunAsync("token", "--fleet", tmp["fleet"], "--device", "1");
        var refused = new[] { r1, r2 }.Where(r => r.Code == 2).ToList();
        var signed = new[] { r1, r2 }.Where(r => r.Code == 0).ToList();
        Assert.True(refused.Count == 1 && signed.Count == 1, $"{r1.Code}: {r1.Err} / {r2.Code}: {r2.Err}");
        Assert.Contains(Path.GetFileName(keyFile), refused[0].Err, StringComparison.Ordinal);
        Assert.Contains("does not hold the key fleet.json lists", refused[0].Err, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", refused[0].Out + refused[0].Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenCountMintsOneTokenPerDeviceAndRefusesANegativeCount()
    {
        using var tmp = new TempDir();
        var made = await CliRunner.RunAsync("fleet", "create", "--count", "4", "--seed", "7", "--out", tmp["fleet"]);
        Assert.True(made.Code == 0, made.Out + made.Err);
        var r = await CliRunner.RunAsync("token", "--fleet", tmp["fleet"], "--device", "1", "--count", "3");
        Assert.True(r.Code == 0, r.Out + r.Err);
        var lines = r.Out.Trim().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal(3, lines.Select(l => l.Split(' ')[0]).Distinct().Count());
        Assert.All(lines, l => Assert.Equal(3, l.Split(' ')[1].Split('.').Length));
        var bad = await CliRunner.RunAsync("token", "--fleet", tmp["fleet"], "--count", "-1");
        Assert.Equal(2, bad.Code);
        Assert.Contains("--count", bad.Out + bad.Err, StringComparison.Ordinal);
        var over = await CliRunner.RunAsync("token", "--fleet", tmp["fleet"], "--device", "2", "--count", "3");
        Assert.Equal(2, over.Code);
        Assert.Contains("device index 4 is out of range", over.Out + over.Err, StringComparison.Ordinal);
    }
}
