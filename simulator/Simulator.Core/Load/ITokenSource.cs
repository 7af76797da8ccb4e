using Simulator.Core.CustomAuth;
using Simulator.Core.Identity;

namespace Simulator.Core.Load;

/// <summary>Where a device's custom-auth credentials come from. Implementations cache per device and refresh before expiry.</summary>
internal interface ITokenSource
{
    /// <summary>The client id the credentials are valid for (ICCID for 1NCE, device id for device JWTs).</summary>
    string ClientIdOf(DeviceIdentity device);

    /// <summary>Credentials for a connect, the fetch or mint timed into <paramref name="recorder"/> (the caller's: a warm-up's or a step's own); throws <see cref="AttemptFailedException"/> with a named class.</summary>
    ValueTask<CustomAuthCredentials> GetAsync(DeviceIdentity device, Metrics.IDeviceRecorder recorder, CancellationToken cancellationToken);

    /// <summary>Drops a device's cached credentials (after the warm-up, so the run fetches or mints them as a cold device would).</summary>
    void Forget(DeviceIdentity device);
}
