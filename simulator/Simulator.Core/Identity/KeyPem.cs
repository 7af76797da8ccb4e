using System.Security.Cryptography;
using Simulator.Core.Errors;

namespace Simulator.Core.Identity;

/// <summary>
/// Reads and writes P-256 keys as PEM (RFC 7468): PKCS#8 "PRIVATE KEY", SEC1 "EC PRIVATE KEY"
/// (RFC 5915) with or without the "EC PARAMETERS" block that <c>openssl ecparam -genkey</c> writes,
/// and SPKI "PUBLIC KEY". Errors name the file and the line of the offending block and never
/// include key material.
/// </summary>
internal static class KeyPem
{
    private const string P256Oid = "1.2.840.10045.3.1.7";

    /// <summary>Parses a private key PEM and returns its P-256 parameters (D, Q).</summary>
    public static ECParameters ReadPrivateKey(string pemText, string source)
    {
        var text = pemText.AsSpan();
        var offset = 0;
        var sawBlock = false;
        while (offset < text.Length)
        {
            if (!PemEncoding.TryFind(text[offset..], out var fields))
            {
                break;
            }

            sawBlock = true;
            var label = text[offset..][fields.Label].ToString();
            var blockLine = LineOf(text, offset + fields.Location.Start.Value);
            var blockEnd = offset + fields.Location.End.Value;
            switch (label)
            {
                case "EC PARAMETERS":
                    break; // openssl ecparam writes the curve OID first; the key below names it again
                case "PRIVATE KEY":
                case "EC PRIVATE KEY":
                    var der = new byte[fields.DecodedDataLength];
                    if (!Convert.TryFromBase64Chars(text[offset..][fields.Base64Data], der, out var n))
                    {
                        throw new InputException($"malformed base64 in the {label} block", source, blockLine);
                    }

                    using (var ec = ECDsa.Create())
                    {
                        try
                        {
                            if (label == "PRIVATE KEY")
                            {
                                ec.ImportPkcs8PrivateKey(der.AsSpan(0, n), out _);
                            }
                            else
                            {
                                ec.ImportECPrivateKey(der.AsSpan(0, n), out _);
                            }
                        }
                        catch (CryptographicException)
                        {
                            throw new InputException($"the {label} block is not a valid EC private key (it may be RSA, truncated or corrupt)", source, blockLine);
                        }
                        finally
                        {
                            CryptographicOperations.ZeroMemory(der);
                        }

                        var p = ec.ExportParameters(includePrivateParameters: true);
                        RequireP256(p.Curve, source, blockLine);
                        return p;
                    }

                case "ENCRYPTED PRIVATE KEY":
                    throw new InputException("encrypted private keys are not supported; decrypt it first (openssl pkcs8 -nocrypt)", source, blockLine);
                case "RSA PRIVATE KEY":
                    throw new InputException("an RSA key was given where a P-256 (prime256v1) EC key is required", source, blockLine);
                default:
                    break;
            }

            offset = blockEnd;
        }

        var begin = text[offset..].IndexOf("-----BEGIN ", StringComparison.Ordinal);
        if (begin >= 0)
        {
            // PemEncoding finds nothing when the base64 is corrupt or BEGIN and END do not match.
            throw new InputException("malformed PEM block (bad base64, or BEGIN and END labels differ)", source, LineOf(text, offset + begin));
        }

        throw new InputException(
            sawBlock ? "no PRIVATE KEY or EC PRIVATE KEY block found" : "not a PEM file (no -----BEGIN ...----- block found)",
            source,
            sawBlock ? null : 1);
    }

    /// <summary>Parses a "PUBLIC KEY" (SPKI) PEM and checks the curve.</summary>
    public static ECParameters ReadPublicKey(string pemText, string source)
    {
        using var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pemText);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            throw new InputException("not a valid EC PUBLIC KEY PEM", source);
        }

        var p = ec.ExportParameters(includePrivateParameters: false);
        RequireP256(p.Curve, source, null);
        return p;
    }

    public static string WritePublicKey(ECParameters parameters)
    {
        using var ec = ECDsa.Create(new ECParameters { Curve = parameters.Curve, Q = parameters.Q });
        return ec.ExportSubjectPublicKeyInfoPem() + "\n";
    }

    public static string WritePrivateKeyPkcs8(ECParameters parameters)
    {
        using var ec = ECDsa.Create(parameters);
        return ec.ExportPkcs8PrivateKeyPem() + "\n";
    }

    /// <summary>Fills Q from D when a key was derived from its scalar alone.</summary>
    public static ECParameters FromScalar(byte[] d)
    {
        using var ec = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
        return ec.ExportParameters(includePrivateParameters: true);
    }

    private static void RequireP256(ECCurve curve, string source, long? line)
    {
        var oid = curve.Oid?.Value;
        var name = curve.Oid?.FriendlyName;
        if (oid != P256Oid && name is not ("nistP256" or "ECDSA_P256" or "prime256v1" or "secp256r1"))
        {
            throw new InputException($"the key is on curve {name ?? oid ?? "explicit parameters"}, but ES256 needs P-256 (prime256v1)", source, line);
        }
    }

    private static long LineOf(ReadOnlySpan<char> text, int position)
    {
        return text[..position].Count('\n') + 1;
    }
}
