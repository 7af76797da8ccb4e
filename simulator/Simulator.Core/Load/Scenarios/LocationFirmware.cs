using Simulator.Core.Load.Profiles;
using Simulator.Core.Scenarios;

namespace Simulator.Core.Load.Scenarios;

/// <summary>
/// The nRF Cloud location scenario (<c>device.scenario: "nrfcloud-location"</c>), written on the
/// public scenario API as a user would write it: A-GNSS for the device's cell, fetched in Range
/// requests as nRF Connect SDK's REST client does, then a ground fix from its serving and
/// neighbour cells, again every publish interval. A visit makes one such fix and leaves.
/// </summary>
internal static class LocationFirmware
{
    public const string Name = "nrfcloud-location";

    public static ScenarioDefinition Create(DeviceSettings device) => Scenario.Create(Name, async ctx =>
    {
        var cloud = ctx.OpenNrfCloud();
        var cell = CellInfo.ForDevice(ctx.Device.Index);
        for (var first = true; ; first = false)
        {
            await cloud.GetAgnssAsync(cell).ConfigureAwait(false);
            await cloud.GroundFixAsync(cell).ConfigureAwait(false);
            if (ctx.IsVisit)
            {
                return;
            }

            await ctx.WaitAsync(TimeSpan.FromSeconds(PublishSchedule.NextSeconds(device, first))).ConfigureAwait(false);
        }
    });
}
