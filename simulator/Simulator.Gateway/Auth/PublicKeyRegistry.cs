using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Simulator.Gateway.Auth;

/// <summary>
/// Device public keys registered through nRF Cloud's RegisterPublicKeys/OnboardDevices (or from the
/// gateway's fleet). Keys are stored as SPKI bytes and imported per verification, since a shared
/// <see cref="ECDsa"/> is not documented as thread-safe.
/// </summary>
public sealed class PublicKeyRegistry
{
    private readonly ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public int Count => _keys.Count;

    /// <summary>One key per device; a new one overwrites, as RegisterPublicKeys does.</summary>
    public void Register(string deviceId, ReadOnlySpan<byte> subjectPublicKeyInfo) => _keys[deviceId] = subjectPublicKeyInfo.ToArray();

    public bool Contains(string deviceId) => _keys.ContainsKey(deviceId);

    /// <summary>A fresh key object for one verification, or null; the caller disposes it.</summary>
    public ECDsa? Open(string deviceId)
    {
        if (!_keys.TryGetValue(deviceId, out var spki))
        {
            return null;
        }

        var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(spki, out _);
        return key;
    }
}
