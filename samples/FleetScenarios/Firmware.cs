using System.Text;
using Simulator.Core.Mqtt;
using Simulator.Core.Scenarios;

namespace FleetScenarios;

/// <summary>Our firmware as the fleet runs it: a config request at every connect, then telemetry every few seconds.</summary>
public static class Firmware
{
    /// <summary>
    /// At connect the device asks for its configuration (publish on …/config/get, answer on
    /// …/config); here the echo of its own topic stands in for the backend that answers. Then it
    /// publishes telemetry, each publish a named step, until the run stops it.
    /// </summary>
    public static ScenarioDefinition Telemetry { get; } = Scenario.Create("firmware-telemetry", async ctx =>
    {
        var id = ctx.Device.ClientId;
        await using var session = await ctx.ConnectAsync();
        await session.SubscribeAsync($"{id}/telemetry");

        var request = Encoding.UTF8.GetBytes($$"""{"imei":"{{ctx.Device.Imei}}","get":"config"}""");
        await Step.Run("config-get", ctx, () => session.RequestAsync($"{id}/telemetry", request, $"{id}/telemetry", TimeSpan.FromSeconds(5)));

        for (var seq = 1; ; seq++)
        {
            var reading = Encoding.UTF8.GetBytes($$"""{"seq":{{seq}},"temp":{{20 + (seq % 5)}}}""");
            await Step.Run("telemetry", ctx, () => session.PublishAsync($"{id}/telemetry", reading, MqttQos.AtLeastOnce));
            await ctx.WaitAsync(TimeSpan.FromSeconds(1));
        }
    });
}
