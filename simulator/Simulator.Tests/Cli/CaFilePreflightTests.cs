using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Simulator.Hosting;
using Simulator.Tests.Support;

namespace Simulator.Tests.Cli;

/// <summary>Preflight reads the CA file as the handshakes will: certificates, each a CA and in date, or a warning that says which is not.</summary>
public sealed class CaFilePreflightTests
{
    [Fact]
    public void AGoodCaFileGivesNoWarning()
    {
        using var dir = new TempDir();
        Assert.Empty(Preflight.CheckCaFile(new TestCa(dir.Path).CaFile, "p.json"));
    }

    [Fact]
    public void AnExpiredCaAndALeafAreNamedInWarnings()
    {
        using var dir = new TempDir();
        var ca = new TestCa(dir.Path);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Old Root", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var old = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-20), DateTimeOffset.UtcNow.AddDays(-10));
        var file = dir["mixed.pem"];
        File.WriteAllText(file, old.ExportCertificatePem() + "\n" + File.ReadAllText(ca.CertFile));
        var warnings = Preflight.CheckCaFile(file, "p.json");
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("'Old Root' expired on", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("'localhost' is not a CA certificate", StringComparison.Ordinal));
    }
}
