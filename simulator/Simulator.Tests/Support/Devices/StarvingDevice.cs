using Simulator.Core.Load;

namespace Simulator.Tests.Support.Devices;

/// <summary>
/// Saturates the generator on purpose: after connecting it keeps the thread pool busy with
/// blocking work, as a CPU-heavy or blocking device would, until stopped.
/// </summary>
internal sealed class StarvingDevice : ISupervisedDevice
{
    public async Task RunAsync(DeviceLifecycle life, CancellationToken stop)
    {
        life.AttemptStarted();
        life.Succeeded(DeviceLifecycle.MillisecondsSince(life.IntendedStart));
        life.Move(DeviceState.Connected);
        while (!stop.IsCancellationRequested)
        {
            // Spin ~20 ms on a pool thread, then queue the next piece: the pool never idles.
            var until = Environment.TickCount64 + 20;
            while (Environment.TickCount64 < until)
            {
                Thread.SpinWait(100);
            }

            await Task.Yield();
        }
    }
}
