using Simulator.Core.Load;

namespace Simulator.Tests.Support.Devices;

/// <summary>A device with a bug: it opens an attempt and throws out of its task.</summary>
internal sealed class ThrowingDevice : ISupervisedDevice
{
    public Task RunAsync(DeviceLifecycle life, CancellationToken stop)
    {
        life.AttemptStarted();
        throw new InvalidOperationException("device bug with a token eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJkZXZpY2UifQ.c2lnbmF0dXJlc2lnbmF0dXJl inside");
    }
}
