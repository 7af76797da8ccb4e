namespace Simulator.Core.Load.Scenarios;

/// <summary>
/// What a device does with one attempt: connect (or make its first request), run the session,
/// and say how it ended. One instance serves a whole run; all a device's own state is in the
/// <see cref="ScenarioDevice"/> it passes. The device's loop (backoff, giving up, the run's stop)
/// is <see cref="VirtualDevice"/>'s, the same for every scenario.
/// </summary>
internal interface IDeviceScenario
{
    /// <summary>One attempt and its session. The attempt is open on <see cref="ScenarioDevice.Life"/>; close it (succeeded or failed) before returning.</summary>
    Task<SessionEnd> RunAsync(ScenarioDevice device, CancellationToken stop);

    /// <summary>When a device that just started first wakes (a Stopwatch timestamp); 0 connects at once. A duty cycle spreads a fleet's first wakes as its firmware does.</summary>
    long FirstWake(ScenarioDevice device) => 0;
}
