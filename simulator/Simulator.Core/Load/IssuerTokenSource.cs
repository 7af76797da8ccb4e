using System.Diagnostics;
using Simulator.Core.CustomAuth;
using Simulator.Core.Identity;
using Simulator.Core.Metrics;
using Simulator.Core.Tokens;

namespace Simulator.Core.Load;

/// <summary>Mints 1NCE-style issuer tokens in process with the embedded gateway's keys, skipping the onboarding round trip.</summary>
internal sealed class IssuerTokenSource : ITokenSource
{
    private readonly OnceIssuerTokens _issuer;
    private readonly TokenCache _cache;
    private readonly bool _sendSignature;

    public IssuerTokenSource(OnceIssuerTokens issuer, int refreshBeforeSeconds, bool sendSignature)
    {
        _issuer = issuer;
        _cache = new TokenCache(refreshBeforeSeconds);
        _sendSignature = sendSignature;
    }

    public void Forget(DeviceIdentity device) => _cache.Remove(device.Index);

    public string ClientIdOf(DeviceIdentity device) => device.Iccid;

    public ValueTask<CustomAuthCredentials> GetAsync(DeviceIdentity device, IDeviceRecorder recorder, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (_cache.TryGet(device.Index, now, out var cached))
        {
            return ValueTask.FromResult(cached);
        }

        var t0 = Stopwatch.GetTimestamp();
        var (token, signature) = _issuer.Issue(device.Iccid, now);
        recorder.Record(Phase.TokenMint, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        var credentials = new CustomAuthCredentials(OnceIssuerTokens.DefaultAuthorizerName, OnceIssuerTokens.DefaultTokenKeyName, token, _sendSignature ? signature : null);
        _cache.Put(device.Index, credentials, now + _issuer.LifetimeSeconds);
        return ValueTask.FromResult(credentials);
    }
}
