using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Simulator.Core.Identity;

/// <summary>
/// The fleet's device CA, made as nRF Cloud's utils make theirs (C.4): a self-signed P-256 CA, and
/// device certificates with CN = device id on P-256 keys, signed with ECDSA SHA-256.
/// The CA key derives from the seed, so a shard can sign the same way.
/// </summary>
internal sealed class FleetCa : IDisposable
{
    private static readonly DateTimeOffset NotBefore = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly ECDsa _key;

    private FleetCa(ECDsa key, X509Certificate2 certificate)
    {
        _key = key;
        Certificate = certificate;
    }

    public X509Certificate2 Certificate { get; }

    public string CertificatePem => Certificate.ExportCertificatePem() + "\n";

    public string PrivateKeyPem => _key.ExportPkcs8PrivateKeyPem() + "\n";

    public static FleetCa Create(FleetSeed seed)
    {
        var key = ECDsa.Create(KeyPem.FromScalar(FleetDerivation.PrivateScalar(seed, FleetDerivation.CaIndex)));
        var req = new CertificateRequest($"CN=Simulator Fleet CA {seed.Fingerprint[7..]}, OU=Test Devices, O=nrf-fleet-simulator", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        req.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(req.PublicKey, false));
        var cert = req.CreateSelfSigned(NotBefore, NotBefore.AddDays(3650));
        return new FleetCa(key, cert);
    }

    /// <summary>A device certificate: CN = device id, 30 years as nRF Cloud's create-device-cert.</summary>
    public string IssueDeviceCertificatePem(string deviceId, ECParameters devicePublicKey, int index)
    {
        using var deviceKey = ECDsa.Create(new ECParameters { Curve = devicePublicKey.Curve, Q = devicePublicKey.Q });
        var req = new CertificateRequest($"CN={deviceId}", deviceKey, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        // 0x01 first keeps the DER INTEGER positive and minimal whatever the index.
        var serial = new byte[9];
        serial[0] = 0x01;
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(serial.AsSpan(1), index);
        var generator = X509SignatureGenerator.CreateForECDsa(_key);
        using var cert = req.Create(Certificate.SubjectName, generator, NotBefore, NotBefore.AddDays(10950), serial);
        return cert.ExportCertificatePem() + "\n";
    }

    public void Dispose()
    {
        _key.Dispose();
        Certificate.Dispose();
    }
}
