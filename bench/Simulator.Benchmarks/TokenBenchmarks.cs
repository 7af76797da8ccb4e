using System.Security.Claims;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Simulator.Core.Identity;
using Simulator.Core.Tokens;

namespace Simulator.Benchmarks;

/// <summary>One thread: our mint against the raw signature it is built on, and against IdentityModel.</summary>
[MemoryDiagnoser]
public class TokenBenchmarks
{
    private readonly Fleet _fleet = Fleet.Generate(new FleetSpec { Seed = 1, Count = 1 });
    private DeviceTokenMinter _minter = null!;
    private ECDsa _ecdsa = null!;
    private byte[] _buffer = null!;
    private byte[] _signingInput = null!;
    private byte[] _signature = new byte[64];
    private JsonWebTokenHandler _handler = null!;
    private SecurityTokenDescriptor _descriptor = null!;
    private DeviceTokenVerifier _verifier = null!;
    private byte[] _token = null!;
    private long _now;

    [GlobalSetup]
    public void Setup()
    {
        var key = _fleet.GetPrivateKey(0);
        _minter = new DeviceTokenMinter(Es256Signer.Create(key), _fleet[0].DeviceId, new DeviceTokenOptions());
        _ecdsa = ECDsa.Create(key);
        _buffer = new byte[_minter.MaxTokenLength];
        _now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        _minter.TryMint(_buffer, _now, out var n);
        _token = _buffer.AsSpan(0, n).ToArray();
        _signingInput = _token.AsSpan(0, Array.LastIndexOf(_token, (byte)'.')).ToArray();
        _handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        _descriptor = new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", _fleet[0].DeviceId)]),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(ECDsa.Create(key)), SecurityAlgorithms.EcdsaSha256),
            IssuedAt = DateTime.UtcNow,
            Expires = DateTime.UtcNow.AddMinutes(10),
        };
        var pub = ECDsa.Create(new ECParameters { Curve = key.Curve, Q = key.Q });
        _verifier = new DeviceTokenVerifier(_ => pub);
    }

    [Benchmark(Baseline = true, Description = "ECDsa.TrySignData (raw signature)")]
    public bool RawTrySignData() => _ecdsa.TrySignData(_signingInput, _signature, HashAlgorithmName.SHA256, out _);

    [Benchmark(Description = "DeviceTokenMinter.TryMint")]
    public bool Mint() => _minter.TryMint(_buffer, _now, out _);

    [Benchmark(Description = "JsonWebTokenHandler.CreateToken")]
    public string IdentityModelCreateToken() => _handler.CreateToken(_descriptor);

    [Benchmark(Description = "DeviceTokenVerifier.Verify")]
    public JwtRejectReason Verify() => _verifier.Verify(_token, _now, out _);
}
