namespace Simulator.Core.Scenarios;

/// <summary>
/// Where a device's behaviour is written as code, in the shape of NBomber's
/// <c>Scenario.Create(name, async ctx =&gt; …)</c>: the function is one device's attempt and session,
/// run by every device of the fleet, again after each session ends (as firmware reconnects).
/// How many devices, how fast they arrive and how long the run lasts stay in the profile's phases,
/// and the run's thresholds judge it, so one profile runs any scenario.
/// </summary>
/// <example>
/// <code>
/// var telemetry = Scenario.Create("my-firmware", async ctx =>
/// {
///     await using var session = await ctx.ConnectAsync();
///     await session.SubscribeAsync($"devices/{ctx.Device.ClientId}/commands");
///     while (true)
///     {
///         await Step.Run("publish", ctx, () => session.PublishAsync($"devices/{ctx.Device.ClientId}/data", payload));
///         await ctx.WaitAsync(TimeSpan.FromSeconds(60));
///     }
/// });
/// </code>
/// </example>
public static class Scenario
{
    /// <summary>A scenario named <paramref name="name"/> whose devices each run <paramref name="session"/>.</summary>
    /// <param name="name">Shown in the results; letters, digits, '-', '_' and '.', at most 64.</param>
    /// <param name="session">
    /// One attempt and its session. Returning ends the session as planned (the device reconnects at
    /// once); an exception ends it as a failure named by its class, and the device backs off as the
    /// profile's reconnect policy says. The run's stop cancels <see cref="DeviceContext.Stopping"/>.
    /// </param>
    public static ScenarioDefinition Create(string name, Func<DeviceContext, Task> session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new ScenarioDefinition(StepNames.Check(name, nameof(name)), session);
    }
}
