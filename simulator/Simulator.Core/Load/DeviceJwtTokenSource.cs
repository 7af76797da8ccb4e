using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Simulator.Core.CustomAuth;
using Simulator.Core.Identity;
using Simulator.Core.Metrics;
using Simulator.Core.Tokens;

namespace Simulator.Core.Load;

/// <summary>
/// Each device signs its own ES256 JWT, as AT%JWT does, with its own signer (one per device: a
/// signer is not thread-safe and each device's loop is sequential), cached until shortly before expiry.
/// </summary>
public sealed class DeviceJwtTokenSource : ITokenSource, IDisposable
{
    private readonly Fleet _fleet;
    private readonly DeviceTokenOptions _options;
    private readonly string _authorizer;
    private readonly string _tokenKeyName;
    private readonly TokenCache _cache;
    private readonly RunMetrics _metrics;
    private readonly ConcurrentDictionary<int, DeviceTokenMinter> _minters = new();

    public DeviceJwtTokenSource(Fleet fleet, DeviceTokenOptions options, string authorizer, string tokenKeyName, int refreshBeforeSeconds, RunMetrics metrics)
    {
        _fleet = fleet;
        _options = options;
        _authorizer = authorizer;
        _tokenKeyName = tokenKeyName;
        _cache = new TokenCache(refreshBeforeSeconds);
        _metrics = metrics;
    }

    public void Forget(DeviceIdentity device) => _cache.Remove(device.Index);

    public string ClientIdOf(DeviceIdentity device) => device.DeviceId;

    public ValueTask<CustomAuthCredentials> GetAsync(DeviceIdentity device, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (_cache.TryGet(device.Index, now, out var cached))
        {
            return ValueTask.FromResult(cached);
        }

        var minter = _minters.GetOrAdd(device.Index, i =>
        {
            var key = _fleet.GetPrivateKey(i);
            try
            {
                return new DeviceTokenMinter(Es256Signer.Create(key), device.DeviceId, _options);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key.D);
            }
        });
        var t0 = Stopwatch.GetTimestamp();
        var token = minter.Mint(now);
        _metrics.Record(Phase.TokenMint, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        var credentials = new CustomAuthCredentials(_authorizer, _tokenKeyName, token, null);
        _cache.Put(device.Index, credentials, now + _options.LifetimeSeconds);
        return ValueTask.FromResult(credentials);
    }

    public void Dispose()
    {
        foreach (var m in _minters.Values)
        {
            m.Dispose();
        }
    }
}
