using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Simulator.Core.Tokens;
using Simulator.Tests.Support;

namespace Simulator.Tests.Tokens;

public sealed class VerifierTests
{
    private static string B64(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    private static string Sign(int keyIndex, string header, string claims)
    {
        var input = B64(header) + "." + B64(claims);
        using var signer = Es256Signer.Create(TokenFixture.Fleet.GetPrivateKey(keyIndex));
        var sig = new byte[64];
        signer.Sign(Encoding.ASCII.GetBytes(input), sig);
        return input + "." + Base64Url.EncodeToString(sig);
    }

    private static JwtRejectReason Check(string token, long? now = null) => TokenFixture.Verifier().Verify(token, now ?? TokenFixture.Now, out _);

    private static string Id(int i) => TokenFixture.Fleet[i].DeviceId;

    [Fact]
    public void WhitespaceOrAnythingOutsideTheAlphabetInASegmentIsRefused()
    {
        var good = Sign(0, "{\"alg\":\"ES256\"}", $"{{\"sub\":\"{Id(0)}\",\"exp\":{TokenFixture.Now + 600}}}");
        Assert.Equal(JwtRejectReason.None, Check(good));
        var parts = good.Split('.');
        foreach (var bad in new[] { $"{parts[0]}.{parts[1]}.{parts[2][..10]} {parts[2][10..]}", $"{parts[0]}.{parts[1]}.{parts[2][..10]}\n{parts[2][10..]}", $"{parts[0]}.{parts[1][..4]}\t{parts[1][4..]}.{parts[2]}", $"{parts[0]}.{parts[1]}.{parts[2][..10]}+{parts[2][11..]}" })
        {
            Assert.Equal(JwtRejectReason.BadBase64, Check(bad));
        }
    }

    /// <summary>
    /// ECDSA (FIPS 186-5) and JWS ES256 (RFC 7518 §3.4) accept either S of a signature, s or n - s,
    /// and neither AWS nor nRF Cloud documents refusing the high one; a modem's signer may emit
    /// either. So a token's twin with the other S verifies here as there. Nothing in the gateway
    /// keys on a token's bytes (no replay cache, no cache of verdicts by token), so the twin gains nothing.
    /// </summary>
    [Fact]
    public void ATokensTwinWithTheOtherSVerifiesAsTheStandardsAllow()
    {
        var good = Sign(0, "{\"alg\":\"ES256\"}", $"{{\"sub\":\"{Id(0)}\",\"exp\":{TokenFixture.Now + 600}}}");
        var parts = good.Split('.');
        var sig = Base64Url.DecodeFromChars(parts[2]);
        var n = System.Numerics.BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);
        var s = new System.Numerics.BigInteger(sig.AsSpan(32), isUnsigned: true, isBigEndian: true);
        var twin = new byte[64];
        sig.AsSpan(0, 32).CopyTo(twin);
        (n - s).TryWriteBytes(twin.AsSpan(32 + (32 - (n - s).GetByteCount(isUnsigned: true))), out _, isUnsigned: true, isBigEndian: true);
        var twinToken = $"{parts[0]}.{parts[1]}.{Base64Url.EncodeToString(twin)}";
        Assert.NotEqual(good, twinToken);
        Assert.Equal(JwtRejectReason.None, Check(good));
        Assert.Equal(JwtRejectReason.None, Check(twinToken));
        twin[63] ^= 1; // and a changed S is no signature at all
        Assert.Equal(JwtRejectReason.BadSignature, Check($"{parts[0]}.{parts[1]}.{Base64Url.EncodeToString(twin)}"));
    }

    [Fact]
    public void ExpiryLifetimeAndSkewAreTheVerifiersToSet()
    {
        var keys = Enumerable.Range(0, TokenFixture.Fleet.Count).ToDictionary(i => TokenFixture.Fleet[i].DeviceId, TokenFixture.PublicKey);
        var strict = new DeviceTokenVerifier(id => keys.GetValueOrDefault(id), clockSkewSeconds: 60, requireExpiry: true, maxLifetimeSeconds: 3600);
        var now = TokenFixture.Now;
        JwtRejectReason Strict(string claims) => strict.Verify(Sign(0, "{\"alg\":\"ES256\"}", claims), now, out _);

        // No exp: never expires. Accepted only where the verifier does not require one.
        var forever = $"{{\"sub\":\"{Id(0)}\",\"iat\":{now}}}";
        Assert.Equal(JwtRejectReason.None, Check(Sign(0, "{\"alg\":\"ES256\"}", forever)));
        Assert.Equal(JwtRejectReason.MissingExpiry, Strict(forever));

        // Longer-lived than allowed, from iat or, without one, from now.
        Assert.Equal(JwtRejectReason.LifetimeTooLong, Strict($"{{\"sub\":\"{Id(0)}\",\"iat\":{now},\"exp\":{now + 7200}}}"));
        Assert.Equal(JwtRejectReason.LifetimeTooLong, Strict($"{{\"sub\":\"{Id(0)}\",\"exp\":{now + 7200}}}"));
        Assert.Equal(JwtRejectReason.None, Strict($"{{\"sub\":\"{Id(0)}\",\"iat\":{now},\"exp\":{now + 3600}}}"));

        // A device clock 30 s ahead: refused with no skew, accepted within 60 s.
        var ahead = $"{{\"sub\":\"{Id(0)}\",\"iat\":{now + 30},\"exp\":{now + 630}}}";
        Assert.Equal(JwtRejectReason.NotYetValid, Check(Sign(0, "{\"alg\":\"ES256\"}", ahead)));
        Assert.Equal(JwtRejectReason.None, Strict(ahead));
    }

    [Fact]
    public void OurOwnTokensPass()
    {
        using var minter = TokenFixture.Minter(1, new DeviceTokenOptions { ClaimMode = DeviceClaimMode.Issuer });
        var reason = TokenFixture.Verifier().Verify(minter.Mint(TokenFixture.Now), TokenFixture.Now, out var verified);
        Assert.Equal(JwtRejectReason.None, reason);
        Assert.Equal(Id(1), verified!.DeviceId);
    }

    [Fact]
    public void AlgNoneIsRefused()
    {
        var token = B64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + B64($"{{\"sub\":\"{Id(0)}\"}}") + ".";
        Assert.Equal(JwtRejectReason.AlgorithmNone, Check(token));
    }

    [Fact]
    public void Hs256SignedWithThePublicKeyIsRefused()
    {
        // The classic confusion: an HMAC keyed with the device's public key PEM.
        var input = B64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + B64($"{{\"sub\":\"{Id(0)}\"}}");
        var mac = HMACSHA256.HashData(Encoding.ASCII.GetBytes(TokenFixture.Fleet[0].PublicKeyPem), Encoding.ASCII.GetBytes(input));
        Assert.Equal(JwtRejectReason.HmacKeyConfusion, Check(input + "." + Base64Url.EncodeToString(mac)));
    }

    [Theory]
    [InlineData("ES384")]
    [InlineData("RS256")]
    [InlineData("PS256")]
    [InlineData("EdDSA")]
    public void OtherAlgorithmsAreRefused(string alg)
    {
        var token = Sign(0, $"{{\"alg\":\"{alg}\",\"typ\":\"JWT\"}}", $"{{\"sub\":\"{Id(0)}\"}}");
        Assert.Equal(JwtRejectReason.AlgorithmNotAllowed, Check(token));
    }

    [Fact]
    public void ExpiredAndNotYetValidAreDistinct()
    {
        var now = TokenFixture.Now; // one instant for signing and checking: a second that ticks over in between must not matter
        Assert.Equal(JwtRejectReason.Expired, Check(Sign(0, "{\"alg\":\"ES256\"}", $"{{\"sub\":\"{Id(0)}\",\"iat\":{now - 700},\"exp\":{now - 100}}}"), now));
        Assert.Equal(JwtRejectReason.NotYetValid, Check(Sign(0, "{\"alg\":\"ES256\"}", $"{{\"sub\":\"{Id(0)}\",\"nbf\":{now + 100},\"exp\":{now + 700}}}"), now));
        Assert.Equal(JwtRejectReason.NotYetValid, Check(Sign(0, "{\"alg\":\"ES256\"}", $"{{\"sub\":\"{Id(0)}\",\"iat\":{now + 100}}}"), now));
        Assert.Equal(JwtRejectReason.None, Check(Sign(0, "{\"alg\":\"ES256\"}", $"{{\"sub\":\"{Id(0)}\",\"iat\":{now},\"exp\":{now + 1}}}"), now));
    }

    [Fact]
    public void WrongKeyIsABadSignature()
    {
        // Device 1's claims signed with device 2's key.
        Assert.Equal(JwtRejectReason.BadSignature, Check(Sign(2, "{\"alg\":\"ES256\"}", $"{{\"sub\":\"{Id(1)}\"}}")));
        // A signature of the wrong length.
        var token = Sign(1, "{\"alg\":\"ES256\"}", $"{{\"sub\":\"{Id(1)}\"}}");
        var dot = token.LastIndexOf('.');
        var shortSignature = Base64Url.EncodeToString(Base64Url.DecodeFromChars(token.AsSpan(dot + 1))[..63]);
        Assert.Equal(JwtRejectReason.BadSignature, Check(token[..(dot + 1)] + shortSignature));
    }

    [Fact]
    public void UnknownDeviceAndMissingSubjectAreNamed()
    {
        Assert.Equal(JwtRejectReason.UnknownDevice, Check(Sign(0, "{\"alg\":\"ES256\"}", "{\"sub\":\"not-registered\"}")));
        Assert.Equal(JwtRejectReason.MissingSubject, Check(Sign(0, "{\"alg\":\"ES256\"}", "{\"aud\":\"x\"}")));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("abc.def")]
    [InlineData("a.b.c.d")]
    [InlineData(".b.c")]
    public void MalformedStructureIsNamed(string token)
    {
        Assert.Equal(JwtRejectReason.Malformed, Check(token));
    }

    [Fact]
    public void BadBase64AndBadJsonAreDistinct()
    {
        var good = Sign(0, "{\"alg\":\"ES256\"}", $"{{\"sub\":\"{Id(0)}\"}}").Split('.');
        Assert.Equal(JwtRejectReason.BadBase64, Check($"{good[0]}.{good[1]}!.{good[2]}"));
        Assert.Equal(JwtRejectReason.BadBase64, Check($"eyJhbGciOiJFUzI1NiJ9=.{good[1]}.{good[2]}"));
        Assert.Equal(JwtRejectReason.BadBase64, Check($"{good[0]}.{good[1]}.{good[2]}*"));
        Assert.Equal(JwtRejectReason.BadJson, Check($"{B64("{\"alg\":")}.{good[1]}.{good[2]}"));
        Assert.Equal(JwtRejectReason.BadJson, Check($"{good[0]}.{B64("[1,2]")}.{good[2]}"));
        Assert.Equal(JwtRejectReason.BadJson, Check($"{good[0]}.{B64("{\"sub\":\"x\",\"exp\":\"soon\"}")}.{good[2]}"));
    }

    [Fact]
    public void TokensOver6144CharactersAreRefusedBeforeParsing()
    {
        var claims = $"{{\"sub\":\"{Id(0)}\",\"pad\":\"{new string('x', 5000)}\"}}";
        var token = Sign(0, "{\"alg\":\"ES256\"}", claims);
        Assert.True(token.Length > 6144);
        Assert.Equal(JwtRejectReason.TooLong, Check(token));
        Assert.Equal(JwtRejectReason.TooLong, Check(new string('a', 100_000)));
    }

    [Fact]
    public async Task TokensMintedByPyJwtWithOpensslKeysPass()
    {
        using var tmp = new TempDir();
        await Proc.CheckAsync("openssl", ["ecparam", "-out", tmp["private-key.pem"], "-name", "prime256v1", "-genkey"]);
        await Proc.CheckAsync("openssl", ["ec", "-in", tmp["private-key.pem"], "-outform", "PEM", "-pubout", "-out", tmp["public-key.pem"]]);
        var now = TokenFixture.Now;
        var token = (await Proc.CheckAsync(Peers.DebianPython, ["-c", $"import jwt; print(jwt.encode({{'sub': 'pyjwt-device', 'iat': {now}, 'exp': {now + 600}}}, open('{tmp["private-key.pem"]}').read(), algorithm='ES256'))"])).Trim();
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(tmp["public-key.pem"]));
        var verifier = new DeviceTokenVerifier(id => id == "pyjwt-device" ? key : null);
        Assert.Equal(JwtRejectReason.None, verifier.Verify(token, now, out var v));
        Assert.Equal("pyjwt-device", v!.DeviceId);
    }

    [Fact]
    public async Task TokensMintedByNodeJoseWithOpensslKeysPass()
    {
        using var tmp = new TempDir();
        await Proc.CheckAsync("openssl", ["ecparam", "-out", tmp["private-key.pem"], "-name", "prime256v1", "-genkey"]);
        await Proc.CheckAsync("openssl", ["ec", "-in", tmp["private-key.pem"], "-outform", "PEM", "-pubout", "-out", tmp["public-key.pem"]]);
        const string script = """
            const { SignJWT } = require('jose');
            const crypto = require('crypto');
            const key = crypto.createPrivateKey(require('fs').readFileSync(process.argv[1]));
            new SignJWT({}).setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
              .setIssuer('nrf9160.jose-device').setIssuedAt().setExpirationTime('10m').sign(key)
              .then(t => console.log(t));
            """;
        var token = (await Proc.CheckAsync("node", ["-e", script, tmp["private-key.pem"]], workingDirectory: Peers.NodeDir)).Trim();
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(tmp["public-key.pem"]));
        var verifier = new DeviceTokenVerifier(id => id == "jose-device" ? key : null);
        Assert.Equal(JwtRejectReason.None, verifier.Verify(token, TokenFixture.Now, out var v));
        Assert.Equal("nrf9160.jose-device", v!.Issuer);
    }
}
