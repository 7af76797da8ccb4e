using System.Security.Cryptography;
using Simulator.Core.CustomAuth;
using Simulator.Core.Identity;
using Simulator.Core.Tokens;
using Simulator.Tests.Support;

namespace Simulator.Tests.Tokens;

public sealed class OnceIssuerTests
{
    [Fact]
    public async Task TokenSignatureIsWhatOpensslDgstSignWrites()
    {
        using var tmp = new TempDir();
        await Proc.CheckAsync("openssl", ["genrsa", "-out", tmp["signing.pem"], "2048"]);
        using var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(tmp["signing.pem"]));
        using var issuer = new OnceIssuerTokens(KeyPem.FromScalar(new byte[31].Append((byte)7).ToArray()), rsa);
        var (token, signature) = issuer.Issue("8988228066000000017", TokenFixture.Now);

        // echo -n TOKEN | openssl dgst -sha256 -sign key.pem | openssl base64 -A  (A.2)
        File.WriteAllText(tmp["token"], token);
        await Proc.CheckAsync("openssl", ["dgst", "-sha256", "-sign", tmp["signing.pem"], "-out", tmp["sig"], tmp["token"]]);
        var expected = Convert.ToBase64String(File.ReadAllBytes(tmp["sig"]));
        Assert.Equal(expected, signature); // PKCS#1 v1.5 is deterministic
        Assert.True(TokenSignature.Verify([rsa], token, signature));
        Assert.False(TokenSignature.Verify([rsa], token + "x", signature));
        Assert.False(TokenSignature.Verify([rsa], token, "not base64!"));

        // The same signature with whitespace in it is not standard base64: refused, as AWS refuses it.
        Assert.False(TokenSignature.Verify([rsa], token, signature[..10] + " " + signature[10..]));
        Assert.False(TokenSignature.Verify([rsa], token, signature[..10] + "\n" + signature[10..]));
        Assert.False(TokenSignature.Verify([rsa], token, " " + signature));
    }

    [Fact]
    public void IssuerTokensNameTheIccidAndLive24Hours()
    {
        using var rsa = RSA.Create(2048);
        using var issuer = new OnceIssuerTokens(KeyPem.FromScalar(new byte[31].Append((byte)9).ToArray()), rsa);
        var now = TokenFixture.Now;
        var (token, _) = issuer.Issue("8988228066000000017", now);
        Assert.Equal(JwtRejectReason.None, issuer.Validate(token, now + 86_399, out var iccid));
        Assert.Equal("8988228066000000017", iccid);
        Assert.Equal(JwtRejectReason.Expired, issuer.Validate(token, now + 86_400, out _));
    }

    [Fact]
    public void UsernameRoundTripsAsTheSeedsClientParsesIt()
    {
        var creds = new CustomAuthCredentials("1nce-authorizer", "token", "aaa.bbb.ccc", "ab+/cd==");
        var username = creds.ToUsername("8988228066000000017");
        Assert.Equal("8988228066000000017?x-amz-customauthorizer-name=1nce-authorizer&x-amz-customauthorizer-signature=ab%2B%2Fcd%3D%3D&token=aaa.bbb.ccc", username);
        var parsed = CustomAuthCredentials.FromUsername(username, "token", out var user);
        Assert.Equal("8988228066000000017", user);
        Assert.Equal(creds, parsed);
        Assert.DoesNotContain("aaa.bbb.ccc", parsed!.ToString(), StringComparison.Ordinal);
    }
}
