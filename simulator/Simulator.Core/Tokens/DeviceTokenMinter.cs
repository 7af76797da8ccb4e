using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace Simulator.Core.Tokens;

/// <summary>
/// Mints a device's ES256 JWT (RFC 7519, JWS compact RFC 7515 §7.1) the way the modem's AT%JWT
/// does, straight into the caller's span. The header is encoded once; the claims' fixed part is
/// encoded once per device; per token only jti, iat and exp are written. After warm-up a mint
/// allocates nothing. Not thread-safe, like the signer it owns.
/// </summary>
internal sealed class DeviceTokenMinter : IDisposable
{
    /// <summary>base64url of <c>{"alg":"ES256","typ":"JWT"}</c>, byte for byte the nRF Cloud guide's header.</summary>
    public static ReadOnlySpan<byte> EncodedHeader => "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9"u8;

    private const int JtiRandomBytes = 16;
    private readonly Es256Signer _signer;
    private readonly bool _ownsSigner;
    private readonly byte[] _claimsPrefix; // {"iss":"nrf9160.<id>" or {"sub":"<id>", then aud
    private readonly byte[] _jtiPrefix;    // ,"jti":"nrf9160.<id>.
    private readonly DeviceTokenOptions _options;

    public DeviceTokenMinter(Es256Signer signer, string deviceId, DeviceTokenOptions options, bool ownsSigner = true)
    {
        options.Validate();
        _signer = signer;
        _ownsSigner = ownsSigner;
        _options = options;

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (options.ClaimMode == DeviceClaimMode.Issuer)
            {
                writer.WriteString("iss", $"{options.Chip}.{deviceId}");
            }
            else
            {
                writer.WriteString("sub", deviceId);
            }

            if (options.Audience is { } aud)
            {
                writer.WriteString("aud", aud);
            }

            writer.WriteEndObject();
        }

        _claimsPrefix = buffer.WrittenSpan[..^1].ToArray(); // without the closing brace
        buffer.Clear();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("jti", $"{options.Chip}.{deviceId}.");
            writer.WriteEndObject();
        }

        _jtiPrefix = [(byte)',', .. buffer.WrittenSpan[1..^2]]; // ,"jti":"<chip>.<id>.  (no closing quote)
        var maxClaims = _claimsPrefix.Length + _jtiPrefix.Length + (2 * JtiRandomBytes) + 1 + 2 * (7 + 20) + 1;
        MaxTokenLength = EncodedHeader.Length + 1 + Base64Url.GetEncodedLength(maxClaims) + 1 + Base64Url.GetEncodedLength(Es256Signer.SignatureLength);
    }

    /// <summary>A span of this length always holds a token.</summary>
    public int MaxTokenLength { get; }

    public bool TryMint(Span<byte> destination, long nowUnixSeconds, out int bytesWritten)
    {
        bytesWritten = 0;
        Span<byte> claims = stackalloc byte[512];
        if (!TryWriteClaims(claims, nowUnixSeconds, out var claimsLength))
        {
            return false;
        }

        var needed = EncodedHeader.Length + 1 + Base64Url.GetEncodedLength(claimsLength) + 1 + Base64Url.GetEncodedLength(Es256Signer.SignatureLength);
        if (destination.Length < needed)
        {
            return false;
        }

        EncodedHeader.CopyTo(destination);
        var pos = EncodedHeader.Length;
        destination[pos++] = (byte)'.';
        pos += Base64Url.EncodeToUtf8(claims[..claimsLength], destination[pos..]);

        // JWS signing input: ASCII(BASE64URL(header) || '.' || BASE64URL(payload)) (RFC 7515 §5.1).
        Span<byte> signature = stackalloc byte[Es256Signer.SignatureLength];
        _signer.Sign(destination[..pos], signature);
        destination[pos++] = (byte)'.';
        pos += Base64Url.EncodeToUtf8(signature, destination[pos..]);
        bytesWritten = pos;
        return true;
    }

    /// <summary>Convenience for tools and tests; allocates the string.</summary>
    public string Mint(long nowUnixSeconds)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxTokenLength);
        try
        {
            if (!TryMint(buffer, nowUnixSeconds, out var n))
            {
                throw new InvalidOperationException("token buffer too small");
            }

            return System.Text.Encoding.ASCII.GetString(buffer, 0, n);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        if (_ownsSigner)
        {
            _signer.Dispose();
        }
    }

    private bool TryWriteClaims(Span<byte> claims, long now, out int length)
    {
        length = 0;
        if (_claimsPrefix.Length + _jtiPrefix.Length + 128 > claims.Length)
        {
            return false;
        }

        _claimsPrefix.CopyTo(claims);
        var pos = _claimsPrefix.Length;
        if (_options.IncludeJti)
        {
            _jtiPrefix.CopyTo(claims[pos..]);
            pos += _jtiPrefix.Length;
            Span<byte> random = stackalloc byte[JtiRandomBytes];
            RandomNumberGenerator.Fill(random);
            pos += WriteHex(random, claims[pos..]);
            claims[pos++] = (byte)'"';
        }

        if (_options.LifetimeSeconds > 0)
        {
            ",\"iat\":"u8.CopyTo(claims[pos..]);
            pos += 7;
            now.TryFormat(claims[pos..], out var n, default, System.Globalization.CultureInfo.InvariantCulture);
            pos += n;
            ",\"exp\":"u8.CopyTo(claims[pos..]);
            pos += 7;
            (now + _options.LifetimeSeconds).TryFormat(claims[pos..], out n, default, System.Globalization.CultureInfo.InvariantCulture);
            pos += n;
        }

        claims[pos++] = (byte)'}';
        length = pos;
        return true;
    }

    private static int WriteHex(ReadOnlySpan<byte> bytes, Span<byte> destination)
    {
        ReadOnlySpan<byte> digits = "0123456789abcdef"u8;
        for (var i = 0; i < bytes.Length; i++)
        {
            destination[2 * i] = digits[bytes[i] >> 4];
            destination[(2 * i) + 1] = digits[bytes[i] & 0xF];
        }

        return 2 * bytes.Length;
    }
}
