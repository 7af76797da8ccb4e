using Simulator.Core.Load;

namespace Simulator.Tests.Support.Devices;

/// <summary>A device with a bookkeeping bug: it gives up, then moves back to connected, a move no device may make.</summary>
internal sealed class ResurrectingDevice : ISupervisedDevice
{
    public async Task RunAsync(DeviceLifecycle life, CancellationToken stop)
    {
        life.AttemptStarted();
        life.Failed("TcpRefused");
        life.Move(DeviceState.GivenUp);
        await Task.Yield();
        life.Move(DeviceState.Connected);
        await Task.Delay(Timeout.Infinite, stop);
    }
}
