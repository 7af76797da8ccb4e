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
        _ca = caReq.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(30));
        _dir = dir;
        CaFile = Path.Combine(dir, "ca.pem");
        File.WriteAllText(CaFile, _ca.ExportCertificatePem() + "\n");
        (CertFile, KeyFile) = Issue("server", name, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29));
    }

    private readonly X509Certificate2 _ca;
    private readonly string _dir;
    private int _serial = 1;

    public string CaFile { get; }

    public string CertFile { get; }

    public string KeyFile { get; }

    /// <summary>A server certificate for <paramref name="name"/> (and 127.0.0.1) signed by this CA, valid between the given instants: <c>STEM.pem</c> and <c>STEM.key</c>.</summary>
    public (string CertFile, string KeyFile) Issue(string stem, string name, DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        Write(_dir, stem, name, (req, key) => req.Create(_ca, notBefore, notAfter, [(byte)Interlocked.Increment(ref _serial), 2, 3, 4]).CopyWithPrivateKey(key));

    /// <summary>A self-signed server certificate for <paramref name="name"/>, signed by no CA.</summary>
    public static (string CertFile, string KeyFile) SelfSigned(string dir, string stem, string name) =>
        Write(dir, stem, name, (req, _) => req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29)));

    private static (string CertFile, string KeyFile) Write(string dir, string stem, string name, Func<CertificateRequest, ECDsa, X509Certificate2> sign)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var cert = sign(req, key);
        var certFile = Path.Combine(dir, stem + ".pem");
        var keyFile = Path.Combine(dir, stem + ".key");
        File.WriteAllText(certFile, cert.ExportCertificatePem() + "\n");
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem() + "\n");
        return (certFile, keyFile);
    }
}
