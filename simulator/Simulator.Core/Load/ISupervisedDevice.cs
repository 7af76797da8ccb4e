namespace Simulator.Core.Load;

/// <summary>A device the supervisor can run: it reports its state and attempts through its <see cref="DeviceLifecycle"/>.</summary>
internal interface ISupervisedDevice
{
    /// <summary>Runs until <paramref name="stop"/>. Should not throw; if it does, the supervisor counts it.</summary>
    Task RunAsync(DeviceLifecycle life, CancellationToken stop);
}
