using Simulator.Core.Identity;
using Simulator.Core.NrfCloud;
using Simulator.Tests.Cli;
using Simulator.Tests.Support;

namespace Simulator.Tests.NrfCloud;

public sealed class CsvExportTests
{
    [Fact]
    public async Task TwentyFiveHundredDevicesSplitIntoThreeFilesRowForRow()
    {
        using var tmp = new TempDir();
        FleetStore.Create(new FleetSpec { Seed = 3, Count = 2500, WithCertificates = false }, tmp["f"]);
        var fleet = FleetStore.Load(tmp["f"]);
        foreach (var format in new[] { "nrfcloud-public-keys", "nrfcloud-onboard" })
        {
            var r = await CliRunner.RunAsync("fleet", "export", "--fleet", tmp["f"], "--format", format, "--out", tmp[$"{format}/x"]);
            Assert.True(r.Code == 0, r.Err);
            var files = Directory.GetFiles(tmp[format]).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(["x-001.csv", "x-002.csv", "x-003.csv"], files.Select(Path.GetFileName));
            var rows = files.Select(f => NrfCloudCsv.Parse(File.ReadAllText(f))).ToArray();
            Assert.Equal([1000, 1000, 500], rows.Select(r => r.Count));
            var all = rows.SelectMany(r => r).ToArray();
            for (var i = 0; i < all.Length; i += 97)
            {
                var d = fleet[i];
                if (format == "nrfcloud-public-keys")
                {
                    // deviceId,"keyPem"
                    Assert.Equal([d.DeviceId, d.PublicKeyPem], all[i].Fields);
                }
                else
                {
                    // deviceId,[subType],[tags],[fwTypes],"certPem"
                    Assert.Equal([d.DeviceId, string.Empty, string.Empty, "APP|MODEM", d.PublicKeyPem], all[i].Fields);
                }
            }

            var text = File.ReadAllText(files[0]);
            Assert.DoesNotContain("deviceId", text, StringComparison.Ordinal); // no header row
            Assert.DoesNotContain("\n\n", text, StringComparison.Ordinal);     // no blank lines
            Assert.StartsWith($"{fleet[0].DeviceId},", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void OnboardRowsCarryTheCertificateWhenTheFleetHasOne()
    {
        var fleet = Fleet.Generate(new FleetSpec { Seed = 3, Count = 1, WithCertificates = true });
        var row = NrfCloudCsv.Parse(NrfCloudCsv.OnboardRow(fleet[0].DeviceId, fleet[0].CertificatePem ?? fleet[0].PublicKeyPem)).Single();
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", row.Fields[4], StringComparison.Ordinal);
    }

    [Fact]
    public void ParserTracksLinesAcrossQuotedPems()
    {
        var rows = NrfCloudCsv.Parse("a,\"x\ny\nz\"\nb,\"q\"\r\nc,\"open\n");
        Assert.Equal([1, 4, 5], rows.Select(r => r.Line));
        Assert.True(rows[2].UnterminatedQuote);
        Assert.Equal("x\ny\nz", rows[0].Fields[1]);
    }
}
