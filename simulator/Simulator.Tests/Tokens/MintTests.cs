using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Simulator.Core.Tokens;
using Simulator.Tests.Support;

namespace Simulator.Tests.Tokens;

public sealed class MintTests
{
    [Fact]
    public void HeaderIsByteForByteTheNrfCloudGuidesHeader()
    {
        // The seed's example token starts with this header.
        Assert.Equal("{\"alg\":\"ES256\",\"typ\":\"JWT\"}", Encoding.UTF8.GetString(Base64Url.DecodeFromUtf8(DeviceTokenMinter.EncodedHeader)));
        using var minter = TokenFixture.Minter(0);
        Assert.StartsWith("eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.", minter.Mint(TokenFixture.Now), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DeviceClaimMode.Subject, 600, null)]
    [InlineData(DeviceClaimMode.Issuer, 3600, "my-team")]
    [InlineData(DeviceClaimMode.Subject, 0, null)]
    public void ClaimsAreTheModemsClaims(DeviceClaimMode mode, int ttl, string? aud)
    {
        using var minter = TokenFixture.Minter(1, new DeviceTokenOptions { ClaimMode = mode, LifetimeSeconds = ttl, Audience = aud });
        var now = TokenFixture.Now;
        var token = minter.Mint(now);
        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(token.Split('.')[1]));
        var root = claims.RootElement;
        var id = TokenFixture.Fleet[1].DeviceId;
        if (mode == DeviceClaimMode.Subject)
        {
            Assert.Equal(id, root.GetProperty("sub").GetString());
            Assert.False(root.TryGetProperty("iss", out _));
        }
        else
        {
            Assert.Equal("nrf9160." + id, root.GetProperty("iss").GetString());
            Assert.False(root.TryGetProperty("sub", out _));
        }

        Assert.Matches($"^nrf9160\\.{id}\\.[0-9a-f]{{32}}$", root.GetProperty("jti").GetString());
        if (ttl > 0)
        {
            Assert.Equal(now, root.GetProperty("iat").GetInt64());
            Assert.Equal(now + ttl, root.GetProperty("exp").GetInt64());
        }
        else
        {
            Assert.False(root.TryGetProperty("exp", out _));
        }

        Assert.Equal(aud, root.TryGetProperty("aud", out var a) ? a.GetString() : null);
    }

    [Fact]
    public void LifetimeOverSevenDaysIsRefused()
    {
        Assert.Throws<Simulator.Core.Errors.InputException>(() => TokenFixture.Minter(0, new DeviceTokenOptions { LifetimeSeconds = 604_801 }));
    }

    [Fact]
    public async Task MintedTokensVerifyWithIdentityModel()
    {
        using var minter = TokenFixture.Minter(2, new DeviceTokenOptions { Audience = "nrfcloud" });
        var token = minter.Mint(TokenFixture.Now);
        var handler = new JsonWebTokenHandler();
        var result = await handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = new ECDsaSecurityKey(TokenFixture.PublicKey(2)),
            ValidateIssuer = false,
            ValidAudience = "nrfcloud",
            ValidAlgorithms = ["ES256"],
        });
        Assert.True(result.IsValid, result.Exception?.ToString());
        Assert.Equal(TokenFixture.Fleet[2].DeviceId, result.Claims["sub"]);

        var wrong = await handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = new ECDsaSecurityKey(TokenFixture.PublicKey(3)),
            ValidateIssuer = false,
            ValidateAudience = false,
        });
        Assert.False(wrong.IsValid);
    }

    [Fact]
    public async Task MintedTokensVerifyWithPyJwt()
    {
        using var minter = TokenFixture.Minter(1, new DeviceTokenOptions { ClaimMode = DeviceClaimMode.Issuer });
        var token = minter.Mint(TokenFixture.Now);
        const string script = """
            import sys, jwt
            token, pem = sys.stdin.read().split("\n", 1)
            claims = jwt.decode(token, pem, algorithms=["ES256"])
            print(claims["iss"])
            """;
        var output = await Proc.CheckAsync(Peers.DebianPython, ["-c", script], stdin: token + "\n" + TokenFixture.Fleet[1].PublicKeyPem);
        Assert.Equal("nrf9160." + TokenFixture.Fleet[1].DeviceId, output.Trim());

        var bad = await Proc.RunAsync(Peers.DebianPython, ["-c", script], stdin: token + "\n" + TokenFixture.Fleet[0].PublicKeyPem);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("InvalidSignatureError", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MintedTokensVerifyWithOpensslOnTheDerSignature()
    {
        using var tmp = new TempDir();
        using var minter = TokenFixture.Minter(0);
        var token = minter.Mint(TokenFixture.Now);
        var lastDot = token.LastIndexOf('.');
        File.WriteAllText(tmp["input"], token[..lastDot]);
        File.WriteAllBytes(tmp["sig.der"], EcdsaSignatureFormat.P1363ToDer(Base64Url.DecodeFromChars(token.AsSpan(lastDot + 1))));
        File.WriteAllText(tmp["pub.pem"], TokenFixture.Fleet[0].PublicKeyPem);
        var output = await Proc.CheckAsync("openssl", ["dgst", "-sha256", "-verify", tmp["pub.pem"], "-signature", tmp["sig.der"], tmp["input"]]);
        Assert.Contains("Verified OK", output, StringComparison.Ordinal);
    }

    [Fact]
    public void MintingAllocatesNothingAfterWarmUp()
    {
        using var minter = TokenFixture.Minter(3, new DeviceTokenOptions { ClaimMode = DeviceClaimMode.Issuer, Audience = "x" });
        var buffer = new byte[minter.MaxTokenLength];
        var now = TokenFixture.Now;
        for (var i = 0; i < 200; i++)
        {
            Assert.True(minter.TryMint(buffer, now + i, out _));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            minter.TryMint(buffer, now + i, out _);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void BothSignersProduceValidSignatures()
    {
        var key = TokenFixture.Fleet.GetPrivateKey(0);
        using var managed = new ManagedEs256Signer(key);
        using var native = Es256Signer.Create(key);
        using var pub = TokenFixture.PublicKey(0);
        var data = "signing input"u8.ToArray();
        Span<byte> sig = stackalloc byte[64];
        foreach (var signer in new Es256Signer[] { managed, native })
        {
            for (var i = 0; i < 50; i++)
            {
                signer.Sign(data, sig);
                Assert.True(pub.VerifyData(data, sig, System.Security.Cryptography.HashAlgorithmName.SHA256));
            }
        }
    }
}
