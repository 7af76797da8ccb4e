using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Simulator.Core.Tokens;

/// <summary>
/// Verifies device ES256 JWTs for the gateway, as nRF Cloud and a device-JWT authorizer would:
/// the alg must be ES256 (RFC 8725 §3.1: never trust the header's choice of algorithm), the
/// signature must verify with the key registered for the device named by sub, or by iss as
/// "&lt;chip&gt;.&lt;id&gt;", and exp/nbf/iat must hold at <c>now</c> within the allowed skew.
/// Each segment must be strict base64url (RFC 7515 §2: no padding, no whitespace, nothing outside
/// the alphabet). With <see cref="RequireExpiry"/> a token must carry exp, and with
/// <see cref="MaxLifetimeSeconds"/> it may not outlive that from its iat (or from now).
/// Thread-safe if the resolver's keys are used under its own locking.
/// </summary>
internal sealed class DeviceTokenVerifier
{
    public const int MaxTokenLength = 6144;

    private static readonly System.Buffers.SearchValues<byte> Base64UrlAlphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"u8);

    private readonly Func<string, ECDsa?> _resolveKey;

    /// <param name="resolveKey">Returns the device's public key, or null when none is registered. Must be safe to call concurrently.</param>
    /// <param name="clockSkewSeconds">How far a device's clock may run ahead or behind.</param>
    /// <param name="requireExpiry">Refuse a token without exp: it would never expire.</param>
    /// <param name="maxLifetimeSeconds">Refuse a token whose exp lies further than this past its iat (or now); 0 for no limit.</param>
    public DeviceTokenVerifier(Func<string, ECDsa?> resolveKey, int clockSkewSeconds = 0, bool requireExpiry = false, long maxLifetimeSeconds = 0)
    {
        _resolveKey = resolveKey;
        ClockSkewSeconds = clockSkewSeconds;
        RequireExpiry = requireExpiry;
        MaxLifetimeSeconds = maxLifetimeSeconds;
    }

    public int ClockSkewSeconds { get; }

    public bool RequireExpiry { get; }

    public long MaxLifetimeSeconds { get; }

    public JwtRejectReason Verify(ReadOnlySpan<byte> token, long nowUnixSeconds, out VerifiedDeviceToken? verified)
    {
        verified = null;
        if (token.Length > MaxTokenLength)
        {
            return JwtRejectReason.TooLong;
        }

        var dot1 = token.IndexOf((byte)'.');
        if (dot1 <= 0)
        {
            return JwtRejectReason.Malformed;
        }

        var dot2Rel = token[(dot1 + 1)..].IndexOf((byte)'.');
        if (dot2Rel < 0)
        {
            return JwtRejectReason.Malformed;
        }

        var dot2 = dot1 + 1 + dot2Rel;
        var headerB64 = token[..dot1];
        var claimsB64 = token[(dot1 + 1)..dot2];
        var signatureB64 = token[(dot2 + 1)..];
        if (claimsB64.IndexOf((byte)'.') >= 0 || signatureB64.IndexOf((byte)'.') >= 0 || claimsB64.IsEmpty)
        {
            return JwtRejectReason.Malformed;
        }

        // The decoder skips whitespace; the JWS compact form has none, so a token with any is not one.
        if (headerB64.IndexOfAnyExcept(Base64UrlAlphabet) >= 0 || claimsB64.IndexOfAnyExcept(Base64UrlAlphabet) >= 0 || signatureB64.IndexOfAnyExcept(Base64UrlAlphabet) >= 0)
        {
            return JwtRejectReason.BadBase64;
        }

        Span<byte> header = stackalloc byte[256];
        if (!TryDecode(headerB64, header, out var headerLength))
        {
            return headerB64.Length > 340 ? JwtRejectReason.BadJson : JwtRejectReason.BadBase64;
        }

        var alg = ReadHeaderAlg(header[..headerLength], out var headerOk);
        if (!headerOk)
        {
            return JwtRejectReason.BadJson;
        }

        switch (alg)
        {
            case "ES256":
                break;
            case "none" or "None" or "NONE":
                return JwtRejectReason.AlgorithmNone;
            case "HS256" or "HS384" or "HS512":
                return JwtRejectReason.HmacKeyConfusion;
            default:
                return JwtRejectReason.AlgorithmNotAllowed;
        }

        var claims = new byte[Base64Url.GetMaxDecodedLength(claimsB64.Length)];
        if (!TryDecode(claimsB64, claims, out var claimsLength))
        {
            return JwtRejectReason.BadBase64;
        }

        if (!TryReadClaims(claims.AsSpan(0, claimsLength), out var c))
        {
            return JwtRejectReason.BadJson;
        }

        Span<byte> signature = stackalloc byte[Es256Signer.SignatureLength + 3];
        if (!TryDecode(signatureB64, signature, out var signatureLength))
        {
            return JwtRejectReason.BadBase64;
        }

        var deviceId = c.Subject ?? DeviceIdFromIssuer(c.Issuer);
        if (string.IsNullOrEmpty(deviceId))
        {
            return JwtRejectReason.MissingSubject;
        }

        var key = _resolveKey(deviceId);
        if (key is null)
        {
            return JwtRejectReason.UnknownDevice;
        }

        if (signatureLength != Es256Signer.SignatureLength
            || !key.VerifyData(token[..dot2], signature[..signatureLength], HashAlgorithmName.SHA256))
        {
            return JwtRejectReason.BadSignature;
        }

        if (c.ExpiresAt is null && RequireExpiry)
        {
            return JwtRejectReason.MissingExpiry;
        }

        if (c.ExpiresAt is { } exp && nowUnixSeconds >= exp + ClockSkewSeconds)
        {
            return JwtRejectReason.Expired;
        }

        if (c.ExpiresAt is { } end && MaxLifetimeSeconds > 0 && end - Math.Min(c.IssuedAt ?? nowUnixSeconds, nowUnixSeconds) > MaxLifetimeSeconds + ClockSkewSeconds)
        {
            return JwtRejectReason.LifetimeTooLong;
        }

        if ((c.NotBefore is { } nbf && nowUnixSeconds + ClockSkewSeconds < nbf)
            || (c.IssuedAt is { } iat && nowUnixSeconds + ClockSkewSeconds < iat))
        {
            return JwtRejectReason.NotYetValid;
        }

        verified = new VerifiedDeviceToken(deviceId, c.Subject, c.Issuer, c.Audience, c.IssuedAt, c.ExpiresAt, c.JwtId);
        return JwtRejectReason.None;
    }

    public JwtRejectReason Verify(string token, long nowUnixSeconds, out VerifiedDeviceToken? verified)
    {
        if (token.Length > MaxTokenLength)
        {
            verified = null;
            return JwtRejectReason.TooLong;
        }

        return Verify(Encoding.UTF8.GetBytes(token), nowUnixSeconds, out verified);
    }

    /// <summary>"nrf9160.&lt;id&gt;" → "&lt;id&gt;"; an iss without a chip prefix is the id itself.</summary>
    public static string? DeviceIdFromIssuer(string? issuer)
    {
        if (issuer is null)
        {
            return null;
        }

        var dot = issuer.IndexOf('.', StringComparison.Ordinal);
        return dot >= 0 ? issuer[(dot + 1)..] : issuer;
    }

    private static bool TryDecode(ReadOnlySpan<byte> base64Url, Span<byte> destination, out int written)
    {
        written = 0;
        if (Base64Url.GetMaxDecodedLength(base64Url.Length) > destination.Length)
        {
            return false;
        }

        // RFC 7515 §2: base64url without padding; anything else is refused.
        if (base64Url.IndexOf((byte)'=') >= 0)
        {
            return false;
        }

        return Base64Url.DecodeFromUtf8(base64Url, destination, out _, out written) == System.Buffers.OperationStatus.Done;
    }

    private static string? ReadHeaderAlg(ReadOnlySpan<byte> json, out bool ok)
    {
        ok = false;
        string? alg = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isAlg = reader.ValueTextEquals("alg"u8);
                reader.Read();
                if (isAlg)
                {
                    if (reader.TokenType != JsonTokenType.String || alg is not null)
                    {
                        return null;
                    }

                    alg = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }

            ok = reader.TokenType == JsonTokenType.EndObject && !reader.Read() && alg is not null;
            return alg;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TryReadClaims(ReadOnlySpan<byte> json, out Claims claims)
    {
        claims = default;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "sub":
                        if (reader.TokenType != JsonTokenType.String)
                        {
                            return false;
                        }

                        claims.Subject = reader.GetString();
                        break;
                    case "iss":
                        if (reader.TokenType != JsonTokenType.String)
                        {
                            return false;
                        }

                        claims.Issuer = reader.GetString();
                        break;
                    case "jti":
                        if (reader.TokenType != JsonTokenType.String)
                        {
                            return false;
                        }

                        claims.JwtId = reader.GetString();
                        break;
                    case "aud":
                        // RFC 7519 §4.1.3: a string or an array of strings.
                        if (reader.TokenType == JsonTokenType.String)
                        {
                            claims.Audience = reader.GetString();
                        }
                        else if (reader.TokenType == JsonTokenType.StartArray)
                        {
                            reader.Skip();
                        }
                        else
                        {
                            return false;
                        }

                        break;
                    case "exp":
                        if (!TryNumericDate(ref reader, out var exp))
                        {
                            return false;
                        }

                        claims.ExpiresAt = exp;
                        break;
                    case "nbf":
                        if (!TryNumericDate(ref reader, out var nbf))
                        {
                            return false;
                        }

                        claims.NotBefore = nbf;
                        break;
                    case "iat":
                        if (!TryNumericDate(ref reader, out var iat))
                        {
                            return false;
                        }

                        claims.IssuedAt = iat;
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return reader.TokenType == JsonTokenType.EndObject && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>RFC 7519 §2 NumericDate: seconds, possibly fractional.</summary>
    private static bool TryNumericDate(ref Utf8JsonReader reader, out long value)
    {
        value = 0;
        if (reader.TokenType != JsonTokenType.Number)
        {
            return false;
        }

        if (reader.TryGetInt64(out value))
        {
            return true;
        }

        if (reader.TryGetDouble(out var d) && double.IsFinite(d) && Math.Abs(d) < 1e15)
        {
            value = (long)Math.Floor(d);
            return true;
        }

        return false;
    }

    private struct Claims
    {
        public string? Subject;
        public string? Issuer;
        public string? Audience;
        public string? JwtId;
        public long? ExpiresAt;
        public long? NotBefore;
        public long? IssuedAt;
    }
}
