using System.Security.Cryptography;
using Simulator.Core.Errors;

namespace Simulator.Core.Identity;

/// <summary>
/// A set of device identities. A generated fleet derives everything from its seed, lazily per
/// index, so a shard touches only its own devices; an imported fleet reads its keys from files.
/// Thread-safe for reads.
/// </summary>
internal sealed class Fleet
{
    private readonly DeviceIdentity?[] _cache;
    private readonly Func<int, ECParameters> _privateKey;
    private readonly Func<int, DeviceIdentity> _build;

    private Fleet(int count, FleetSpec? spec, Func<int, DeviceIdentity> build, Func<int, ECParameters> privateKey, string? caCertificatePem)
    {
        _cache = new DeviceIdentity?[count];
        _build = build;
        _privateKey = privateKey;
        Spec = spec;
        CaCertificatePem = caCertificatePem;
    }

    /// <summary>The spec of a generated fleet; null for an imported one.</summary>
    public FleetSpec? Spec { get; }

    public int Count => _cache.Length;

    public string? CaCertificatePem { get; }

    public DeviceIdentity this[int index]
    {
        get
        {
            CheckIndex(index);
            return Volatile.Read(ref _cache[index]) ?? (_cache[index] = _build(index));
        }
    }

    public IEnumerable<DeviceIdentity> Devices
    {
        get
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }
    }

    /// <summary>The device's private key parameters. The caller owns and should zero them.</summary>
    public ECParameters GetPrivateKey(int index)
    {
        CheckIndex(index);
        return _privateKey(index);
    }

    public int IndexOf(string deviceId)
    {
        for (var i = 0; i < Count; i++)
        {
            if (this[i].DeviceId == deviceId)
            {
                return i;
            }
        }

        return -1;
    }

    public static Fleet Generate(FleetSpec spec)
    {
        spec.Validate();
        FleetCa? ca = spec.WithCertificates ? FleetCa.Create(spec.Seed) : null;
        var caLock = new Lock();
        return new Fleet(
            spec.Count,
            spec,
            index =>
            {
                var p = KeyPem.FromScalar(FleetDerivation.PrivateScalar(spec.Seed, index));
                var imei = FleetDerivation.Imei(spec.Seed, spec.Tac, index);
                var id = spec.IdFormat == DeviceIdFormat.NrfImei ? "nrf-" + imei : FleetDerivation.Uuid(spec.Seed, index);
                string? cert = null;
                if (ca is not null)
                {
                    lock (caLock)
                    {
                        cert = ca.IssueDeviceCertificatePem(id, p, index);
                    }
                }

                var identity = new DeviceIdentity(index, id, imei, FleetDerivation.Iccid(spec.Seed, spec.IccidPrefix, index), KeyPem.WritePublicKey(p), cert);
                CryptographicOperations.ZeroMemory(p.D);
                return identity;
            },
            index => KeyPem.FromScalar(FleetDerivation.PrivateScalar(spec.Seed, index)),
            ca?.CertificatePem);
    }

    /// <summary>A fleet of given identities whose private keys come from a callback (imported keys).</summary>
    public static Fleet FromIdentities(IReadOnlyList<DeviceIdentity> devices, Func<int, ECParameters> privateKey, string? caCertificatePem)
    {
        return new Fleet(devices.Count, null, i => devices[i], privateKey, caCertificatePem);
    }

    /// <summary>The fleet of the CA of a generated fleet, for writing it out.</summary>
    public FleetCa? CreateCa() => Spec is { WithCertificates: true } s ? FleetCa.Create(s.Seed) : null;

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)_cache.Length)
        {
            throw new InputException($"device index {index} is out of range; the fleet has {Count} devices (0 to {Count - 1})", field: "device");
        }
    }
}
