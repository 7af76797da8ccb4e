using Simulator.Core.Metrics;
using Simulator.Core.Mqtt.Client;

namespace Simulator.Core.Scenarios;

/// <summary>What the load engine lends one device's attempt: its connector, its clock and its recorder.</summary>
internal interface IScenarioHost
{
    IDeviceRecorder Recorder { get; }

    /// <summary>
    /// Token, transport and CONNACK as the profile says, the attempt's outcome recorded (a second
    /// connect in one session opens an attempt of its own). A failure throws, already counted.
    /// </summary>
    Task<MqttClientConnection> ConnectAsync(MqttMessageHandler onMessage, CancellationToken stop);

    /// <summary>A wait on the run's scheduler, so a fleet's timers cost one thread, not one each.</summary>
    Task DelayAsync(TimeSpan delay, CancellationToken stop);
}
