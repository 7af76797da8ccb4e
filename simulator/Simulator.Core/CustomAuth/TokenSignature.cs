using System.Security.Cryptography;
using System.Text;

namespace Simulator.Core.CustomAuth;

/// <summary>
/// AWS IoT custom-auth token signature (spec/protocols.md A.2): RSASSA-PKCS1-v1_5 with SHA-256
/// over exactly the token's bytes, standard base64 with padding, as
/// <c>echo -n TOKEN | openssl dgst -sha256 -sign key.pem | openssl base64 -A</c> writes it.
/// </summary>
internal static class TokenSignature
{
    /// <summary>TestInvokeAuthorizer's limit on tokenSignature.</summary>
    public const int MaxLength = 2560;

    private static readonly System.Buffers.SearchValues<char> Base64Alphabet = System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");

    public static string Sign(RSA key, string token)
    {
        var signature = key.SignData(Encoding.UTF8.GetBytes(token), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return Convert.ToBase64String(signature);
    }

    /// <summary>False for anything that is not standard base64 of a valid signature by one of the keys.</summary>
    public static bool Verify(IEnumerable<RSA> keys, string token, string? signatureBase64)
    {
        if (string.IsNullOrEmpty(signatureBase64) || signatureBase64.Length > MaxLength)
        {
            return false;
        }

        // Standard base64 and nothing else: .NET's decoder skips whitespace, AWS's does not.
        if (signatureBase64.AsSpan().IndexOfAnyExcept(Base64Alphabet) >= 0)
        {
            return false;
        }

        var signature = new byte[(signatureBase64.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(signatureBase64, signature, out var n))
        {
            return false;
        }

        var data = Encoding.UTF8.GetBytes(token);
        foreach (var key in keys)
        {
            if (key.VerifyData(data, signature.AsSpan(0, n), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return true;
            }
        }

        return false;
    }
}
