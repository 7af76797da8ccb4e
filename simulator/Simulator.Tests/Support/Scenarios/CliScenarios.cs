using Simulator.Core.Scenarios;

namespace Simulator.Tests.Support.Scenarios;

/// <summary>Scenarios the CLI loads from this test assembly (<c>run --scenarios Simulator.Tests.dll</c>), as it would from a user's.</summary>
public static class CliScenarios
{
    /// <summary>Publishes to its own topic and waits for the message back, every 0.4 s, as a step named "round-trip".</summary>
    public static ScenarioDefinition RoundTrip { get; } = Scenario.Create("cli-round-trip", async ctx =>
    {
        await using var session = await ctx.ConnectAsync();
        var topic = $"{ctx.Device.ClientId}/telemetry";
        await session.SubscribeAsync(topic);
        while (true)
        {
            await Step.Run("round-trip", ctx, () => session.RequestAsync(topic, "{\"t\":1}"u8.ToArray(), topic, TimeSpan.FromSeconds(10)));
            await ctx.WaitAsync(TimeSpan.FromMilliseconds(400));
        }
    });

    /// <summary>A second one, so the CLI must be told which.</summary>
    public static readonly ScenarioDefinition Idle = Scenario.Create("cli-idle", async ctx =>
    {
        await using var session = await ctx.ConnectAsync();
        await ctx.WaitAsync(TimeSpan.FromHours(1));
    });
}
