using Simulator.Core.Load;

namespace Simulator.Tests.Support.Devices;

/// <summary>Broken bookkeeping on purpose: opens an attempt, then reports itself connected without recording an outcome.</summary>
internal sealed class AttemptLosingDevice : ISupervisedDevice
{
    public async Task RunAsync(DeviceLifecycle life, CancellationToken stop)
    {
        life.AttemptStarted();
        life.Move(DeviceState.Connected);
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
            // Stopped: ends normally, the lost attempt still unaccounted.
        }
    }
}
