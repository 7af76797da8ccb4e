using System.Security.Cryptography;
using Simulator.Core.Identity;

namespace Simulator.Gateway.Config;

/// <summary>
/// The simulated 1NCE issuer's P-256 key and the RSA-2048 token-signing key registered with
/// authorizers that check signatures, kept in the data directory (0600) across starts.
/// </summary>
public sealed class GatewayKeys
{
    private GatewayKeys(ECParameters issuer, RSA signing)
    {
        Issuer = issuer;
        TokenSigning = signing;
    }

    public ECParameters Issuer { get; }

    public RSA TokenSigning { get; }

    public string TokenSigningPublicKeyPem => TokenSigning.ExportSubjectPublicKeyInfoPem() + "\n";

    public static GatewayKeys LoadOrCreate(string dataDirectory)
    {
        var dir = Path.Combine(dataDirectory, "keys");
        Directory.CreateDirectory(dir);
        var issuerFile = Path.Combine(dir, "1nce-issuer.key.pem");
        var signingFile = Path.Combine(dir, "token-signing.key.pem");
        if (!File.Exists(issuerFile))
        {
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            SecretFile.Write(issuerFile, ec.ExportPkcs8PrivateKeyPem() + "\n");
        }

        if (!File.Exists(signingFile))
        {
            using var rsaNew = RSA.Create(2048);
            SecretFile.Write(signingFile, rsaNew.ExportPkcs8PrivateKeyPem() + "\n");
        }

        var issuer = KeyPem.ReadPrivateKey(File.ReadAllText(issuerFile), issuerFile);
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(signingFile));
        return new GatewayKeys(issuer, rsa);
    }
}
