using Simulator.Core.Identity;
using Simulator.Core.Load.Profiles;

namespace Simulator.Core.Load.Scenarios;

/// <summary>Picks a run's scenario from its options, once, and hands it exactly what it needs.</summary>
public static class ScenarioFactory
{
    /// <summary>The run's devices: one scenario for all, each device with its own state.</summary>
    public static Func<DeviceIdentity, ISupervisedDevice> Devices(LoadContext ctx)
    {
        var scenario = For(ctx);
        return identity => new VirtualDevice(identity, scenario, ctx.Profile.Device.Reconnect, ctx.Scheduler, ctx.Metrics);
    }

    public static IDeviceScenario For(LoadContext ctx)
    {
        var profile = ctx.Profile;
        if (profile.Device.Scenario == ScenarioKind.NrfCloudLocation)
        {
            return new LocationScenario(
                profile.Device,
                ctx.NrfCloudBase ?? throw new InvalidOperationException("the location scenario needs target.nrfCloudUrl"),
                ctx.NrfCloudHttp ?? throw new InvalidOperationException("the location scenario needs target.nrfCloudUrl"),
                ctx.Tokens,
                ctx.Scheduler,
                ctx.Metrics);
        }

        return profile.Transport.Kind == DeviceTransportKind.HttpsPublish
            ? new HttpsPublishScenario(profile.Device, profile.Transport, ctx.Endpoint, ctx.Tokens, ctx.Scheduler, ctx.Metrics)
            : new TelemetryScenario(profile.Device, profile.Transport, ctx.Endpoint, ctx.Tokens, ctx.Scheduler, ctx.Metrics, ctx.SessionLifetime);
    }
}
