using System.Diagnostics;
using System.Security.Cryptography;
using Simulator.Core.CustomAuth;
using Simulator.Core.Identity;
using Simulator.Core.Metrics;
using Simulator.Core.Tokens;

namespace Simulator.Core.Load;

/// <summary>
/// Each device signs its own ES256 JWT, as AT%JWT does, cached until shortly before expiry. The
/// signer is built for the mint and freed after it: a device mints once per token lifetime, and a
/// signer kept per device (its EVP_PKEY and reused EVP_PKEY_CTX) held about 9 KB, most of it in
/// libcrypto, for the whole run.
/// </summary>
internal sealed class DeviceJwtTokenSource : ITokenSource
{
    private readonly Fleet _fleet;
    private readonly DeviceTokenOptions _options;
    private readonly string _authorizer;
    private readonly string _tokenKeyName;
    private readonly TokenCache _cache;

    public DeviceJwtTokenSource(Fleet fleet, DeviceTokenOptions options, string authorizer, string tokenKeyName, int refreshBeforeSeconds)
    {
        _fleet = fleet;
        _options = options;
        _authorizer = authorizer;
        _tokenKeyName = tokenKeyName;
        _cache = new TokenCache(refreshBeforeSeconds);
    }

    public void Forget(DeviceIdentity device) => _cache.Remove(device.Index);

    public string ClientIdOf(DeviceIdentity device) => device.DeviceId;

    public ValueTask<CustomAuthCredentials> GetAsync(DeviceIdentity device, IDeviceRecorder recorder, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (_cache.TryGet(device.Index, now, out var cached))
        {
            return ValueTask.FromResult(cached);
        }

        var key = _fleet.GetPrivateKey(device.Index);
        DeviceTokenMinter minter;
        try
        {
            minter = new DeviceTokenMinter(Es256Signer.Create(key), device.DeviceId, _options);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key.D);
        }

        string token;
        using (minter)
        {
            var t0 = Stopwatch.GetTimestamp();
            token = minter.Mint(now);
            recorder.Record(Phase.TokenMint, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }

        var credentials = new CustomAuthCredentials(_authorizer, _tokenKeyName, token, null);
        _cache.Put(device.Index, credentials, now + _options.LifetimeSeconds);
        return ValueTask.FromResult(credentials);
    }
}
