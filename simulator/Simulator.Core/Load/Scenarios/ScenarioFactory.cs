using Simulator.Core.Identity;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;
using Simulator.Core.Scenarios;

namespace Simulator.Core.Load.Scenarios;

/// <summary>Picks a run's scenario from its options, once, and hands it exactly what it needs.</summary>
internal static class ScenarioFactory
{
    /// <summary>The run's devices: one scenario for all, each device with its own state.</summary>
    /// <param name="sessionLifetime">How long the target keeps a session before cutting it (disconnectAfterInSeconds), when known.</param>
    /// <param name="nrfCloud">nRF Cloud REST, for the location scenario.</param>
    /// <param name="links">The devices' radio links (their delays, rates and outages); null makes them from the options.</param>
    /// <param name="code">A scenario written as code; null runs the profile's own (device.scenario).</param>
    /// <param name="directory">Where backend consumers find the devices; null without consumers.</param>
    internal static Func<DeviceIdentity, ISupervisedDevice> Devices(RunOptions options, DeviceEndpoint endpoint, ITokenSource tokens, DelayScheduler scheduler, IDeviceRecorder recorder, TimeSpan? sessionLifetime = null, NrfCloudAccess? nrfCloud = null, LinkFleet? links = null, ScenarioDefinition? code = null, DeviceDirectory? directory = null)
    {
        links ??= LinkFleet.For(options, scheduler);
        var commands = options.Commands.RatePerSecond > 0 ? options.Commands : null;

        // Every built-in scenario is written on the public API, as a user's would be.
        code ??= options.Device.Scenario switch
        {
            ScenarioKind.AwsIot => AwsIotFirmware.Create(options.Device.PublishIntervalSeconds),
            ScenarioKind.NrfCloudLocation => LocationFirmware.Create(options.Device),
            _ => TelemetryFirmware.Create(options.Device, commands, https: options.Transport.Kind == DeviceTransportKind.HttpsPublish),
        };
        var scenario = new CodeScenario(code, new MqttConnector(options.Device, options.Transport, endpoint, tokens, recorder), scheduler, recorder, new DropNamer(recorder, sessionLifetime), TopicTemplate.Parse(options.Device.Topic), commands is null ? null : TopicTemplate.Parse(commands.Topic), nrfCloud) { Links = links };
        var reconnect = options.Device.Reconnect.Resolve();
        var payload = options.Device.Payload.ToFormat();
        Action<ScenarioDevice>? started = directory is null ? null : d => directory.Add(tokens.ClientIdOf(d.Identity), d);
        return identity => new VirtualDevice(identity, scenario, reconnect, scheduler, recorder, links, payload, started);
    }
}
