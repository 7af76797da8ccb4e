using Simulator.Core.CustomAuth;
using Simulator.Core.Identity;
using Simulator.Core.Load;

namespace Simulator.Tests.Support;

/// <summary>A token source that fails the way unnamed errors do: an exception type nobody classifies.</summary>
internal sealed class ThrowingTokenSource : ITokenSource
{
    public string ClientIdOf(DeviceIdentity device) => device.DeviceId;

    public void Forget(DeviceIdentity device)
    {
    }

    public ValueTask<CustomAuthCredentials> GetAsync(DeviceIdentity device, Simulator.Core.Metrics.IDeviceRecorder recorder, CancellationToken cancellationToken) =>
        throw new FormatException("the token body could not be read");
}
