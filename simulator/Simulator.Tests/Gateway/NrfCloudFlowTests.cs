using System.Text.Json;
using System.Text.RegularExpressions;
using Simulator.Core.Identity;
using Simulator.Tests.Cli;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>nRF Cloud's public-key flow, driven with curl and our CLI as a user would.</summary>
public sealed partial class NrfCloudFlowTests : IClassFixture<GatewayFixture>
{
    private readonly GatewayFixture _g;

    public NrfCloudFlowTests(GatewayFixture g) => _g = g;

    private Task<string> Curl(params string[] args) => Proc.CheckAsync("curl", ["-sS", "--cacert", _g.Gateway.CaFile, .. args]);

    private async Task<JsonElement> PollBulkOpAsync(string id)
    {
        for (var i = 0; i < 50; i++)
        {
            var json = await Curl("-H", "Authorization: Bearer local-api-key", _g.Url($"/v1/bulk-ops-requests/{id}"));
            var root = JsonDocument.Parse(json).RootElement.Clone();
            if (root.GetProperty("status").GetString() is "SUCCEEDED" or "FAILED")
            {
                return root;
            }

            Assert.Equal("PENDING", root.GetProperty("status").GetString());
            await Task.Delay(100);
        }

        throw new TimeoutException("bulk op never finished");
    }

    [Fact]
    public async Task ExportRegisterPollThenFetchAssistanceDataInRanges()
    {
        using var tmp = new TempDir();
        // A fleet the gateway has never seen.
        Assert.Equal(0, (await CliRunner.RunAsync("fleet", "create", "--count", "3", "--seed", "4242", "--out", tmp["fleet"])).Code);
        Assert.Equal(0, (await CliRunner.RunAsync("fleet", "export", "--fleet", tmp["fleet"], "--format", "nrfcloud-public-keys", "--out", tmp["keys"])).Code);
        var token = (await CliRunner.RunAsync("token", "--fleet", tmp["fleet"], "--device", "1")).Out.Trim();

        const string body = """{"types":[1,2,3,4,6,7,9],"mcc":242,"mnc":1,"tac":4003,"eci":21858829}""";
        var before = await Curl("-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", $"Authorization: Bearer {token}", "-H", "Content-Type: application/json", "-H", "Range: bytes=0-1699", "-d", body, _g.Url("/v1/location/agnss"));
        Assert.Equal("401", before); // not registered yet

        var accepted = await Curl("-i", "-X", "POST", "-H", "Authorization: Bearer local-api-key", "-H", "Content-Type: text/csv", "--data-binary", $"@{tmp["keys-001.csv"]}", _g.Url("/v1/devices/public-keys"));
        Assert.StartsWith("HTTP/1.1 202", accepted, StringComparison.Ordinal);
        var id = UlidPattern().Match(accepted).Groups[1].Value;
        var op = await PollBulkOpAsync(id);
        Assert.Equal("SUCCEEDED", op.GetProperty("status").GetString());
        Assert.Equal("REGISTER_PUBLIC_KEYS", op.GetProperty("endpoint").GetString());

        // As nRF Connect SDK's REST client: 1700-byte Range requests until content-range says the whole arrived.
        var received = new List<byte>();
        long total = -1;
        while (total < 0 || received.Count < total)
        {
            var end = received.Count + 1699;
            var headers = tmp["h"];
            var part = tmp["part"];
            var code = await Curl("-o", part, "-D", headers, "-w", "%{http_code}", "-X", "POST", "-H", $"Authorization: Bearer {token}", "-H", "Content-Type: application/json", "-H", "Accept: application/octet-stream", "-H", $"Range: bytes={received.Count}-{end}", "-d", body, _g.Url("/v1/location/agnss"));
            Assert.Equal("206", code);
            var range = ContentRangePattern().Match(File.ReadAllText(headers));
            Assert.True(range.Success, File.ReadAllText(headers));
            Assert.Equal(received.Count, long.Parse(range.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            total = long.Parse(range.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture);
            received.AddRange(File.ReadAllBytes(part));
        }

        Assert.True(total > 1700, $"assistance data of {total} bytes should take more than one range");
        Assert.Equal(1, received[0]); // schema version
        var head = await Curl("-I", "-X", "HEAD", "-H", $"Authorization: Bearer {token}", _g.Url("/v1/location/agnss"));
        Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);

        // A range past the end: 416 with nRF Cloud's code.
        var past = await Curl("-i", "-X", "POST", "-H", $"Authorization: Bearer {token}", "-H", "Content-Type: application/json", "-H", $"Range: bytes={total + 10}-{total + 20}", "-d", body, _g.Url("/v1/location/agnss"));
        Assert.StartsWith("HTTP/1.1 416", past, StringComparison.Ordinal);
        Assert.Contains("\"code\":41600", past, StringComparison.Ordinal);

        // Ground fix with the same token.
        var fix = await Curl("-X", "POST", "-H", $"Authorization: Bearer {token}", "-H", "Content-Type: application/json", "-d", """{"lte":[{"mcc":242,"mnc":1,"tac":4003,"eci":21858829,"rsrp":-97,"nmr":[{"earfcn":6400,"pci":301,"rsrp":-110}]}]}""", _g.Url("/v1/location/ground-fix"));
        Assert.Contains("\"fulfilledWith\":\"MCELL\"", fix, StringComparison.Ordinal);

        // A 12 MB body is refused by its bound (413), not read whole and parsed (which answered 400).
        var huge = tmp["huge.json"];
        await File.WriteAllTextAsync(huge, "{\"lte\":[" + string.Concat(Enumerable.Repeat("{\"mcc\":242,\"mnc\":1,\"tac\":4003,\"eci\":21858829,\"rsrp\":-97},", 160_000)) + "{}]}");
        // (curl may also say it could not send the rest: the gateway answers before reading it.)
        var refused = (await Proc.RunAsync("curl", ["-sS", "--cacert", _g.Gateway.CaFile, "-i", "-X", "POST", "-H", $"Authorization: Bearer {token}", "-H", "Content-Type: application/json", "--data-binary", "@" + huge, _g.Url("/v1/location/ground-fix")])).Stdout;
        Assert.StartsWith("HTTP/1.1 413", refused, StringComparison.Ordinal);
        Assert.Contains("\"code\":41300", refused, StringComparison.Ordinal);

        // AT%JWT without a lifetime emits no iat and no exp; nRF Cloud takes it (the seed's own example gets 206).
        using (var noExpiry = new Simulator.Core.Tokens.DeviceTokenMinter(Simulator.Core.Tokens.Es256Signer.Create(FleetStore.Load(tmp["fleet"]).GetPrivateKey(1)), FleetStore.Load(tmp["fleet"])[1].DeviceId, new() { LifetimeSeconds = 0 }))
        {
            var bare = noExpiry.Mint(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            Assert.DoesNotContain("\"exp\"", System.Text.Encoding.UTF8.GetString(Base64UrlDecode(bare.Split('.')[1])), StringComparison.Ordinal);
            Assert.Equal("206", await Curl("-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", $"Authorization: Bearer {bare}", "-H", "Content-Type: application/json", "-H", "Range: bytes=0-1699", "-d", body, _g.Url("/v1/location/agnss")));
        }

        // A token signed by another key: 401 with code 40100.
        Assert.Equal(0, (await CliRunner.RunAsync("fleet", "create", "--count", "2", "--seed", "999", "--out", tmp["other"])).Code);
        var other = FleetStore.Load(tmp["other"]);
        var imposter = FleetStore.Load(tmp["fleet"])[1].DeviceId;
        using var minter = new Simulator.Core.Tokens.DeviceTokenMinter(Simulator.Core.Tokens.Es256Signer.Create(other.GetPrivateKey(0)), imposter, new());
        var wrong = await Curl("-i", "-X", "POST", "-H", $"Authorization: Bearer {minter.Mint(DateTimeOffset.UtcNow.ToUnixTimeSeconds())}", "-H", "Range: bytes=0-1699", "-d", body, _g.Url("/v1/location/agnss"));
        Assert.StartsWith("HTTP/1.1 401", wrong, StringComparison.Ordinal);
        Assert.Contains("\"code\":40100", wrong, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABrokenPemInRow517FailsThatRowOnly()
    {
        using var tmp = new TempDir();
        FleetStore.Create(new FleetSpec { Seed = 5, Count = 600 }, tmp["fleet"]);
        Assert.Equal(0, (await CliRunner.RunAsync("fleet", "export", "--fleet", tmp["fleet"], "--format", "nrfcloud-public-keys", "--out", tmp["keys"])).Code);
        var rows = Simulator.Core.NrfCloud.NrfCloudCsv.Parse(File.ReadAllText(tmp["keys-001.csv"]));
        var lines = File.ReadAllText(tmp["keys-001.csv"]);
        var broken = rows[516].Fields[1];
        File.WriteAllText(tmp["broken.csv"], lines.Replace(broken, broken.Replace("MFkw", "MFk!", StringComparison.Ordinal), StringComparison.Ordinal));

        var accepted = await Curl("-X", "POST", "-H", "Authorization: Bearer local-api-key", "-H", "Content-Type: text/csv", "--data-binary", $"@{tmp["broken.csv"]}", _g.Url("/v1/devices/public-keys"));
        var op = await PollBulkOpAsync(UlidPattern().Match(accepted).Groups[1].Value);
        Assert.Equal("FAILED", op.GetProperty("status").GetString());
        var summary = await Curl(op.GetProperty("errorSummaryUrl").GetString()!);
        var errors = JsonDocument.Parse(summary).RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Single(errors);
        Assert.StartsWith("[516]: ", errors[0], StringComparison.Ordinal);
        Assert.DoesNotContain("MFk", errors[0], StringComparison.Ordinal); // no key material in errors

        var fleet = FleetStore.Load(tmp["fleet"]);
        Assert.True(_g.Gateway.Keys.Contains(fleet[515].DeviceId));
        Assert.False(_g.Gateway.Keys.Contains(fleet[516].DeviceId));
        Assert.True(_g.Gateway.Keys.Contains(fleet[517].DeviceId));

        var unauthorized = await Curl("-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", "Authorization: Bearer wrong", "--data-binary", $"@{tmp["broken.csv"]}", _g.Url("/v1/devices/public-keys"));
        Assert.Equal("401", unauthorized);
    }

    [GeneratedRegex("\"bulkOpsRequestId\":\"([0-9A-Z]{26})\"")]
    private static partial Regex UlidPattern();

    [GeneratedRegex(@"content-range: bytes (\d+)-(\d+)/(\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex ContentRangePattern();

    private static byte[] Base64UrlDecode(string s) => Convert.FromBase64String(s.Replace('-', '+').Replace('_', '/').PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
}
