using Simulator.Core.Errors;
using Simulator.Core.Identity;
using Simulator.Core.NrfCloud;
using Simulator.Tests.Cli;
using Simulator.Tests.Support;

namespace Simulator.Tests.Identity;

public sealed class KeyImportTests
{
    [Fact]
    public async Task ImportsExactlyWhatTheSeedsOpensslCommandsWrite()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp["keys"]);
        // openssl ecparam -out private-key.pem -name prime256v1 -genkey (EC PARAMETERS + EC PRIVATE KEY)
        await Proc.CheckAsync("openssl", ["ecparam", "-out", tmp["keys/dev-a.pem"], "-name", "prime256v1", "-genkey"]);
        // PKCS#8, as nRF Cloud's node utils write <id>.key.pem
        await Proc.CheckAsync("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", tmp["keys/dev-b.key.pem"]]);
        // SEC1 without the parameters block
        await Proc.CheckAsync("openssl", ["ec", "-in", tmp["keys/dev-a.pem"], "-out", tmp["keys/dev-c_prv.pem"]]);
        var text = File.ReadAllText(tmp["keys/dev-a.pem"]);
        Assert.Contains("BEGIN EC PARAMETERS", text, StringComparison.Ordinal);

        var (code, _, err) = await CliRunner.RunAsync("fleet", "import", "--keys", tmp["keys"], "--out", tmp["f"]);
        Assert.True(code == 0, err);
        var fleet = FleetStore.Load(tmp["f"]);
        Assert.Equal(["dev-a", "dev-b", "dev-c"], fleet.Devices.Select(d => d.DeviceId));

        // openssl ec -pubout gives the same public key we list.
        var pub = await Proc.CheckAsync("openssl", ["ec", "-in", tmp["keys/dev-a.pem"], "-pubout"]);
        Assert.Equal(pub.Trim(), fleet[0].PublicKeyPem.Trim());
        Assert.Equal(fleet[0].PublicKeyPem, fleet[2].PublicKeyPem);
        Assert.All(Directory.GetFiles(tmp["f/keys"]), f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
    }

    [Fact]
    public async Task KeyOnTheWrongCurveIsRefusedWithFileAndLine()
    {
        using var tmp = new TempDir();
        await Proc.CheckAsync("openssl", ["ecparam", "-out", tmp["p384.pem"], "-name", "secp384r1", "-genkey"]);
        var e = Assert.Throws<InputException>(() => KeyPem.ReadPrivateKey(File.ReadAllText(tmp["p384.pem"]), tmp["p384.pem"]));
        Assert.Equal(tmp["p384.pem"], e.File);
        Assert.Equal(4, e.Line); // the EC PRIVATE KEY block follows the 3-line EC PARAMETERS block
        Assert.Contains("P-256", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hello world\n", "not a PEM file")]
    [InlineData("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI\n-----END EC PRIVATE KEY-----\n", "malformed PEM block")]
    [InlineData("x\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n", "not a valid EC private key")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n", "no PRIVATE KEY")]
    public void MalformedPemNamesTheProblem(string pem, string expected)
    {
        var e = Assert.Throws<InputException>(() => KeyPem.ReadPrivateKey(pem, "x.pem"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("x.pem", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RsaKeyIsRefusedAndAFailedImportLeavesNoFleet()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp["keys"]);
        await Proc.CheckAsync("openssl", ["ecparam", "-out", tmp["keys/a.pem"], "-name", "prime256v1", "-genkey"]);
        await Proc.CheckAsync("openssl", ["genrsa", "-traditional", "-out", tmp["keys/b.pem"], "2048"]);
        await Proc.CheckAsync("openssl", ["ecparam", "-out", tmp["keys/c.pem"], "-name", "prime256v1", "-genkey"]);
        var (code, _, err) = await CliRunner.RunAsync("fleet", "import", "--keys", tmp["keys"], "--out", tmp["f"]);
        Assert.Equal(2, code);
        Assert.Contains("b.pem", err, StringComparison.Ordinal);
        Assert.Contains("RSA", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(tmp["f"]));
        Assert.DoesNotContain("MII", err, StringComparison.Ordinal); // no key material in the message
    }

    [Fact]
    public async Task CreateExportImportRoundTripGivesTheSameKeys()
    {
        using var tmp = new TempDir();
        await CliRunner.RunAsync("fleet", "create", "--count", "25", "--seed", "11", "--out", tmp["f"]);
        var r = await CliRunner.RunAsync("fleet", "export", "--fleet", tmp["f"], "--format", "nrfcloud-public-keys", "--out", tmp["a/pk"]);
        Assert.Equal(0, r.Code);
        r = await CliRunner.RunAsync("fleet", "import", "--keys", tmp["f/keys"], "--out", tmp["g"]);
        Assert.True(r.Code == 0, r.Err);
        r = await CliRunner.RunAsync("fleet", "export", "--fleet", tmp["g"], "--format", "nrfcloud-public-keys", "--out", tmp["b/pk"]);
        Assert.Equal(0, r.Code);

        static string[] Rows(string file) => [.. NrfCloudCsv.Parse(File.ReadAllText(file)).Select(row => string.Join('|', row.Fields)).Order(StringComparer.Ordinal)];
        Assert.Equal(25, Rows(tmp["a/pk-001.csv"]).Length);
        Assert.Equal(Rows(tmp["a/pk-001.csv"]), Rows(tmp["b/pk-001.csv"]));

        var original = FleetStore.Load(tmp["f"]);
        var imported = FleetStore.Load(tmp["g"]);
        var index = imported.IndexOf(original[3].DeviceId);
        Assert.Equal(original.GetPrivateKey(3).D, imported.GetPrivateKey(index).D);
    }
}
