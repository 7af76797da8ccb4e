using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Simulator.Core.Identity;

namespace Simulator.Gateway.Tls;

/// <summary>
/// The gateway's local CA (served as AmazonRootCA1.pem) and its ECDSA P-256 server certificate for
/// the endpoint name, made on first start and reused after. Private keys are written 0600.
/// </summary>
public sealed class GatewayCertificates
{
    private GatewayCertificates(string caFile, X509Certificate2 server)
    {
        CaFile = caFile;
        ServerCertificate = server;
    }

    public string CaFile { get; }

    public X509Certificate2 ServerCertificate { get; }

    public static GatewayCertificates LoadOrCreate(string dataDirectory, string endpointName)
    {
        var dir = Path.Combine(dataDirectory, "tls", endpointName);
        Directory.CreateDirectory(dir);
        var caFile = Path.Combine(dir, "AmazonRootCA1.pem");
        var caKeyFile = Path.Combine(dir, "ca.key.pem");
        var certFile = Path.Combine(dir, "server.crt.pem");
        var keyFile = Path.Combine(dir, "server.key.pem");
        if (!File.Exists(caFile) || !File.Exists(certFile) || !File.Exists(keyFile) || Expired(certFile))
        {
            foreach (var f in new[] { caFile, caKeyFile, certFile, keyFile })
            {
                File.Delete(f);
            }

            Create(endpointName, caFile, caKeyFile, certFile, keyFile);
        }

        using var pem = X509Certificate2.CreateFromPemFile(certFile, keyFile);

        // Kestrel needs a certificate whose key is not ephemeral.
        var server = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        return new GatewayCertificates(caFile, server);
    }

    private static bool Expired(string certFile)
    {
        using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(certFile));
        return cert.NotAfter < DateTime.UtcNow.AddDays(7);
    }

    private static void Create(string endpointName, string caFile, string caKeyFile, string certFile, string keyFile)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caReq = new CertificateRequest("CN=nrf-fleet-simulator local CA, O=nrf-fleet-simulator", caKey, HashAlgorithmName.SHA256);
        caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caReq.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caReq.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = caReq.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest($"CN={endpointName}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(endpointName);
        if (endpointName == "localhost")
        {
            san.AddIpAddress(IPAddress.Loopback);
        }

        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var cert = req.Create(ca, now.AddDays(-1), now.AddYears(2), RandomNumberGenerator.GetBytes(12));

        File.WriteAllText(caFile, ca.ExportCertificatePem() + "\n");
        SecretFile.Write(caKeyFile, caKey.ExportPkcs8PrivateKeyPem() + "\n");
        File.WriteAllText(certFile, cert.ExportCertificatePem() + "\n");
        SecretFile.Write(keyFile, key.ExportPkcs8PrivateKeyPem() + "\n");
    }
}
