using System.Diagnostics;
using Simulator.Core.CustomAuth;
using Simulator.Core.Identity;
using Simulator.Core.Metrics;
using Simulator.Core.Onboarding;
using Simulator.Core.Onboarding.Client;

namespace Simulator.Core.Load;

/// <summary>Fetches 1NCE tokens from the onboarding endpoint, cached per device until shortly before expiry.</summary>
internal sealed class OnboardingTokenSource : ITokenSource
{
    private readonly OnboardingClient _client;
    private readonly TokenCache _cache;
    private readonly bool _sendSignature;

    public OnboardingTokenSource(OnboardingClient client, int refreshBeforeSeconds, bool sendSignature)
    {
        _client = client;
        _cache = new TokenCache(refreshBeforeSeconds);
        _sendSignature = sendSignature;
    }

    public void Forget(DeviceIdentity device) => _cache.Remove(device.Index);

    public string ClientIdOf(DeviceIdentity device) => device.Iccid;

    public async ValueTask<CustomAuthCredentials> GetAsync(DeviceIdentity device, IDeviceRecorder recorder, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (_cache.TryGet(device.Index, now, out var cached))
        {
            return cached;
        }

        var t0 = Stopwatch.GetTimestamp();
        OnboardingResult result;
        try
        {
            result = await _client.FetchAsync(device.Iccid, cancellationToken).ConfigureAwait(false);
        }
        catch (OnboardingException e)
        {
            throw new AttemptFailedException(e.FailureClass, e.Message, e);
        }

        recorder.Record(Phase.TokenFetch, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        var credentials = _sendSignature ? result.Credentials : result.Credentials with { Signature = null };
        _cache.Put(device.Index, credentials, result.ExpiresAt ?? now + 3600);
        return credentials;
    }
}
