using System.Security.Cryptography;
using Simulator.Core.CustomAuth;

namespace Simulator.Core.Tokens;

/// <summary>
/// The simulated 1NCE issuer (spec/protocols.md B.1, A.2). 1NCE does not publish its JWT's
/// algorithm or claims [U]; we chose an ES256 JWT whose sub and iccid claims name the SIM, valid
/// 24 h as 1NCE says, signed by the issuer's P-256 key, plus the AWS token signature by an RSA
/// key registered with the authorizer. Thread-safe: signing is serialized per key.
/// </summary>
internal sealed class OnceIssuerTokens : IDisposable
{
    public const string DefaultAuthorizerName = "1nce-authorizer";
    public const string DefaultTokenKeyName = "token";
    public const string Issuer = "https://device.connectivity-suite.cloud";
    public const int DefaultLifetimeSeconds = 86_400;

    private readonly ECParameters _issuerKey;
    private readonly RSA _signingKey;
    private readonly Lock _gate = new();
    private readonly Es256Signer _signer;

    public OnceIssuerTokens(ECParameters issuerKey, RSA tokenSigningKey, int lifetimeSeconds = DefaultLifetimeSeconds)
    {
        _issuerKey = issuerKey;
        _signingKey = tokenSigningKey;
        _signer = Es256Signer.Create(issuerKey);
        LifetimeSeconds = lifetimeSeconds;
        IssuerPublicKey = ECDsa.Create(new ECParameters { Curve = issuerKey.Curve, Q = issuerKey.Q });
    }

    public int LifetimeSeconds { get; }

    public ECDsa IssuerPublicKey { get; }

    /// <summary>A new issuer JWT for a SIM, and the AWS token signature over it.</summary>
    public (string Token, string Signature) Issue(string iccid, long nowUnixSeconds)
    {
        var claims = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
            new OnceTokenClaims
            {
                Iss = Issuer,
                Sub = iccid,
                Iccid = iccid,
                Iat = nowUnixSeconds,
                Exp = nowUnixSeconds + LifetimeSeconds,
                Jti = Guid.NewGuid().ToString("N"),
            },
            OnceTokenJsonContext.Default.OnceTokenClaims);
        var header = "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IjFuY2UtaXNzdWVyIn0"u8; // {"alg":"ES256","typ":"JWT","kid":"1nce-issuer"}
        var signingInput = new byte[header.Length + 1 + System.Buffers.Text.Base64Url.GetEncodedLength(claims.Length)];
        header.CopyTo(signingInput);
        signingInput[header.Length] = (byte)'.';
        System.Buffers.Text.Base64Url.EncodeToUtf8(claims, signingInput.AsSpan(header.Length + 1));
        Span<byte> signature = stackalloc byte[Es256Signer.SignatureLength];
        string tokenSignature;
        lock (_gate)
        {
            _signer.Sign(signingInput, signature);
        }

        var token = System.Text.Encoding.ASCII.GetString(signingInput) + "." + System.Buffers.Text.Base64Url.EncodeToString(signature);
        lock (_gate)
        {
            tokenSignature = TokenSignature.Sign(_signingKey, token);
        }

        return (token, tokenSignature);
    }

    /// <summary>Verifies an issuer JWT and returns the ICCID it names, or a reason.</summary>
    public JwtRejectReason Validate(string token, long nowUnixSeconds, out string? iccid)
    {
        iccid = null;
        var verifier = new DeviceTokenVerifier(_ => IssuerPublicKey);
        JwtRejectReason reason;
        lock (_gate)
        {
            reason = verifier.Verify(token, nowUnixSeconds, out var verified);
            if (reason == JwtRejectReason.None)
            {
                if (verified!.Issuer != Issuer || verified.ExpiresAt is null)
                {
                    return JwtRejectReason.BadJson;
                }

                iccid = verified.Subject;
            }
        }

        return reason;
    }

    public void Dispose()
    {
        _signer.Dispose();
        IssuerPublicKey.Dispose();
        CryptographicOperations.ZeroMemory(_issuerKey.D);
    }
}
