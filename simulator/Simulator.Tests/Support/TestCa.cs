using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Simulator.Tests.Support;

/// <summary>A throwaway CA and a server certificate for localhost/127.0.0.1, written as PEM files.</summary>
public sealed class TestCa
{
    public TestCa(string dir, string name = "localhost")
    {
        Directory.CreateDirectory(dir);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caReq = new CertificateRequest("CN=Test CA", caKey, HashAlgorithmName.SHA256);
        caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caReq.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var cert = req.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), [1, 2, 3, 4]);
        CaFile = Path.Combine(dir, "ca.pem");
        CertFile = Path.Combine(dir, "server.pem");
        KeyFile = Path.Combine(dir, "server.key");
        File.WriteAllText(CaFile, ca.ExportCertificatePem() + "\n");
        File.WriteAllText(CertFile, cert.ExportCertificatePem() + "\n");
        File.WriteAllText(KeyFile, key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    public string CaFile { get; }

    public string CertFile { get; }

    public string KeyFile { get; }
}
