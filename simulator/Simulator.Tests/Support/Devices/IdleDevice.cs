using Simulator.Core.Load;

namespace Simulator.Tests.Support.Devices;

/// <summary>Connects at once (no network) and idles until stopped; optionally tracks live identities.</summary>
internal sealed class IdleDevice : ISupervisedDevice
{
    private readonly LiveIdentities? _tracker;

    public IdleDevice(LiveIdentities? tracker = null)
    {
        _tracker = tracker;
    }

    public async Task RunAsync(DeviceLifecycle life, CancellationToken stop)
    {
        _tracker?.Enter(life.Identity.Index);
        try
        {
            life.AttemptStarted();
            life.Succeeded(DeviceLifecycle.MillisecondsSince(life.IntendedStart));
            life.Move(DeviceState.Connected);
            await Task.Delay(Timeout.Infinite, stop);
        }
        finally
        {
            _tracker?.Leave(life.Identity.Index);
        }
    }
}
