using System.Collections.Concurrent;
using Simulator.Core.CustomAuth;

namespace Simulator.Core.Load;

/// <summary>Per-device cached credentials, replaced a margin before they expire.</summary>
internal sealed class TokenCache
{
    private readonly ConcurrentDictionary<int, (CustomAuthCredentials Credentials, long ExpiresAt)> _byDevice = new();
    private readonly int _refreshBeforeSeconds;

    public TokenCache(int refreshBeforeSeconds)
    {
        _refreshBeforeSeconds = refreshBeforeSeconds;
    }

    public bool TryGet(int device, long now, out CustomAuthCredentials credentials)
    {
        if (_byDevice.TryGetValue(device, out var entry) && now < entry.ExpiresAt - _refreshBeforeSeconds)
        {
            credentials = entry.Credentials;
            return true;
        }

        credentials = null!;
        return false;
    }

    public void Put(int device, CustomAuthCredentials credentials, long expiresAt) => _byDevice[device] = (credentials, expiresAt);

    public void Remove(int device) => _byDevice.TryRemove(device, out _);
}
