using System.Security.Cryptography;
using Simulator.Core.Errors;
using Simulator.Core.Identity;
using Simulator.Tests.Cli;
using Simulator.Tests.Support;

namespace Simulator.Tests.Identity;

public sealed class FleetTests
{
    [Theory]
    [InlineData("490154203237518", true)] // IMEI example from 3GPP TS 23.003 Annex B
    [InlineData("490154203237519", false)]
    [InlineData("1234567812345670", true)]
    [InlineData("1234567812345678", false)]
    [InlineData("79927398713", true)]
    public void LuhnMatchesKnownVectors(string digits, bool valid)
    {
        Assert.Equal(valid, Luhn.IsValid(digits));
    }

    [Fact]
    public void SameSeedAndIndexGiveTheSameDevice()
    {
        var a = Fleet.Generate(new FleetSpec { Seed = 42, Count = 50 });
        var b = Fleet.Generate(new FleetSpec { Seed = 42, Count = 10 });
        var c = Fleet.Generate(new FleetSpec { Seed = 43, Count = 10 });
        Assert.Equal(a[7], b[7]);
        Assert.Equal(a.GetPrivateKey(7).D, b.GetPrivateKey(7).D);
        Assert.NotEqual(a[7].DeviceId, c[7].DeviceId);
        Assert.NotEqual(a[7].PublicKeyPem, c[7].PublicKeyPem);
    }

    [Fact]
    public void IdentitiesAreWellFormedAndUnique()
    {
        var fleet = Fleet.Generate(new FleetSpec { Seed = 7, Count = 500, Tac = "35240412" });
        var devices = fleet.Devices.ToList();
        Assert.All(devices, d =>
        {
            Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", d.DeviceId);
            Assert.Equal(15, d.Imei.Length);
            Assert.StartsWith("35240412", d.Imei, StringComparison.Ordinal);
            Assert.True(Luhn.IsValid(d.Imei));
            Assert.Equal(19, d.Iccid.Length);
            Assert.StartsWith("8988228066", d.Iccid, StringComparison.Ordinal);
            Assert.True(Luhn.IsValid(d.Iccid));
        });
        Assert.Equal(500, devices.Select(d => d.Imei).Distinct().Count());
        Assert.Equal(500, devices.Select(d => d.Iccid).Distinct().Count());
        Assert.Equal(500, devices.Select(d => d.DeviceId).Distinct().Count());
        Assert.Equal(500, devices.Select(d => d.PublicKeyPem).Distinct().Count());
    }

    [Fact]
    public void NrfImeiIdsUseTheImei()
    {
        var fleet = Fleet.Generate(new FleetSpec { Seed = 1, Count = 2, IdFormat = DeviceIdFormat.NrfImei });
        Assert.Equal("nrf-" + fleet[1].Imei, fleet[1].DeviceId);
    }

    [Fact]
    public async Task CreateWritesKeysWithMode0600AndCertificatesThatOpensslVerifies()
    {
        using var tmp = new TempDir();
        var (code, _, err) = await CliRunner.RunAsync("fleet", "create", "--count", "3", "--seed", "5", "--out", tmp["f"], "--ca");
        Assert.True(code == 0, err);
        var keyFiles = Directory.GetFiles(tmp["f/keys"]);
        Assert.Equal(3, keyFiles.Length);
        Assert.All(keyFiles, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tmp["f/ca/ca.key.pem"]));

        var fleet = FleetStore.Load(tmp["f"]);
        var certFile = tmp[$"f/certs/{fleet[2].DeviceId}.crt.pem"];
        var verify = await Proc.CheckAsync("openssl", ["verify", "-CAfile", tmp["f/ca/ca.crt.pem"], certFile]);
        Assert.Contains("OK", verify, StringComparison.Ordinal);
        var subject = await Proc.CheckAsync("openssl", ["x509", "-in", certFile, "-noout", "-subject", "-pubkey"]);
        Assert.Contains($"CN = {fleet[2].DeviceId}", subject, StringComparison.Ordinal);
        Assert.Contains(fleet[2].PublicKeyPem.Trim(), subject, StringComparison.Ordinal);

        // The key file is the key of the listed public key.
        var pub = await Proc.CheckAsync("openssl", ["pkey", "-in", tmp[$"f/keys/{fleet[2].DeviceId}.key.pem"], "-pubout"]);
        Assert.Equal(fleet[2].PublicKeyPem.Trim(), pub.Trim());
    }

    [Fact]
    public async Task LoadRebuildsTheSameFleet()
    {
        using var tmp = new TempDir();
        var created = FleetStore.Create(new FleetSpec { Seed = 99, Count = 4 }, tmp["f"]);
        var loaded = FleetStore.Load(tmp["f"]);
        Assert.Equal(created.Devices, loaded.Devices);
        Assert.Equal(created.GetPrivateKey(3).D, loaded.GetPrivateKey(3).D);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task WithoutASeedAFleetGetsARandomOneAndAShortSeedIsWarnedOf()
    {
        // The seed derives the private keys: the old default ("1") gave everyone the same keys.
        using var tmp = new TempDir();
        var a = await CliRunner.RunAsync("fleet", "create", "--count", "1", "--out", tmp["a"]);
        var b = await CliRunner.RunAsync("fleet", "create", "--count", "1", "--out", tmp["b"]);
        Assert.True(a.Code == 0 && b.Code == 0, a.Err + b.Err);
        Assert.Contains(", random)", a.Out, StringComparison.Ordinal);
        Assert.NotEqual(FleetStore.Load(tmp["a"])[0].PublicKeyPem, FleetStore.Load(tmp["b"])[0].PublicKeyPem);
        Assert.DoesNotContain("warning", a.Out, StringComparison.Ordinal);

        // The default is 256 bits, printed as 64 hex digits, and the printed seed gives the same fleet back.
        var printed = System.Text.RegularExpressions.Regex.Match(a.Out, "seed ([0-9a-f]{64}), random").Groups[1].Value;
        Assert.Equal(64, printed.Length);
        var again = await CliRunner.RunAsync("fleet", "create", "--count", "1", "--seed", printed, "--out", tmp["e"]);
        Assert.Equal(0, again.Code);
        Assert.DoesNotContain("warning", again.Out, StringComparison.Ordinal);
        Assert.Equal(FleetStore.Load(tmp["a"])[0].PublicKeyPem, FleetStore.Load(tmp["e"])[0].PublicKeyPem);
        Assert.Equal(FleetStore.Load(tmp["a"])[0].Iccid, FleetStore.Load(tmp["e"])[0].Iccid);

        // Any decimal seed holds at most 64 bits: warned of, whether it is 7 or near 2^64.
        var shortSeed = await CliRunner.RunAsync("fleet", "create", "--count", "1", "--seed", "7", "--out", tmp["c"]);
        Assert.Equal(0, shortSeed.Code);
        Assert.Contains("warning: seed 7 is short (64 bits)", shortSeed.Out, StringComparison.Ordinal);
        var longSeed = await CliRunner.RunAsync("fleet", "create", "--count", "1", "--seed", "16045690984503098046", "--out", tmp["d"]);
        Assert.Contains("warning: seed 16045690984503098046 is short", longSeed.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_decimal_seed_keeps_its_fleet_and_the_CA_names_no_seed()
    {
        // Decimal seeds are the HMAC key as 8 big-endian bytes, as they always were: seed 42's first key is fixed.
        var fleet = Fleet.Generate(new FleetSpec { Seed = 42, Count = 1, WithCertificates = true });
        Assert.Equal(FleetSpec.ParseSeed("42"), (FleetSeed)42UL);
        Assert.Equal(fleet.Devices.First().PublicKeyPem, Fleet.Generate(new FleetSpec { Seed = FleetSeed.Parse("42"), Count = 1 }).Devices.First().PublicKeyPem);

        using var ca = fleet.CreateCa()!;
        Assert.DoesNotContain("42", ca.Certificate.Subject.Replace(((FleetSeed)42UL).Fingerprint[7..], string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        var strong = FleetSeed.Random();
        using var strongCa = Fleet.Generate(new FleetSpec { Seed = strong, Count = 1, WithCertificates = true }).CreateCa()!;
        Assert.DoesNotContain(strong.ToString(), strongCa.Certificate.Subject, StringComparison.Ordinal);
        Assert.Equal(256, strong.Bits);
        Assert.Equal(strong, FleetSeed.Parse(strong.ToString()));
        Assert.NotEqual(strong.Fingerprint, FleetSeed.Random().Fingerprint);
        Assert.False(FleetSeed.TryParse(new string('g', 64), out _));
        Assert.False(FleetSeed.TryParse(new string('a', 63), out _));
    }

    [Fact]
    public async Task BadInputsExit2AndNameTheProblem()
    {
        using var tmp = new TempDir();
        var r = await CliRunner.RunAsync("fleet", "create", "--count", "3", "--seed", "-4", "--out", tmp["a"]);
        Assert.Equal(2, r.Code);
        Assert.Contains("seed", r.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(tmp["a"]));

        r = await CliRunner.RunAsync("fleet", "create", "--count", "2000000", "--out", tmp["b"]);
        Assert.Equal(2, r.Code);
        Assert.Contains("count must be between 1 and 1000000", r.Err, StringComparison.Ordinal);

        FleetStore.Create(new FleetSpec { Seed = 1, Count = 2 }, tmp["f"]);
        r = await CliRunner.RunAsync("token", "--fleet", tmp["f"], "--device", "2");
        Assert.Equal(2, r.Code);
        Assert.Contains("device index 2 is out of range; the fleet has 2 devices", r.Err, StringComparison.Ordinal);

        r = await CliRunner.RunAsync("fleet", "create", "--count", "2", "--out", tmp["f"]);
        Assert.Equal(2, r.Code);
        Assert.Contains("not empty", r.Err, StringComparison.Ordinal);

        r = await CliRunner.RunAsync("token", "--fleet", tmp["nothing-here"]);
        Assert.Equal(2, r.Code);
        Assert.Contains("fleet.json", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void UnreadableFleetJsonNamesFileLineAndField()
    {
        using var tmp = new TempDir();
        FleetStore.Create(new FleetSpec { Seed = 1, Count = 2 }, tmp["f"]);
        var path = tmp["f/fleet.json"];
        var text = File.ReadAllText(path);

        File.WriteAllText(path, text.Replace("\"count\": 2,", "\"count\": \"two\",", StringComparison.Ordinal));
        var e = Assert.Throws<InputException>(() => FleetStore.Load(tmp["f"]));
        Assert.Equal(path, e.File);
        Assert.Equal(5, e.Line);
        Assert.Equal("$.count", e.Field);

        File.WriteAllText(path, text.Replace("\"tac\"", "\"tack\"", StringComparison.Ordinal));
        e = Assert.Throws<InputException>(() => FleetStore.Load(tmp["f"]));
        Assert.Contains("tack", e.Message, StringComparison.Ordinal);

        File.WriteAllText(path, text[..200]);
        e = Assert.Throws<InputException>(() => FleetStore.Load(tmp["f"]));
        Assert.Equal(path, e.File);
        Assert.NotNull(e.Line);

    }

    [Fact]
    public void WrongIccidCheckDigitIsNamed()
    {
        using var tmp = new TempDir();
        var fleet = FleetStore.Create(new FleetSpec { Seed = 1, Count = 2 }, tmp["f"]);
        var path = tmp["f/fleet.json"];
        var iccid = fleet[1].Iccid;
        var broken = iccid[..^1] + (char)('0' + ((iccid[^1] - '0' + 1) % 10));
        File.WriteAllText(path, File.ReadAllText(path).Replace(iccid, broken, StringComparison.Ordinal));
        var e = Assert.Throws<InputException>(() => FleetStore.Load(tmp["f"]));
        Assert.Equal("devices[1].iccid", e.Field);
    }
}
