using Simulator.Core.Metrics;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;

namespace Simulator.Core.Scenarios;

/// <summary>What the load engine lends one device's attempt: its connector, its clock, its recorder and what the device keeps across sessions.</summary>
internal interface IScenarioHost
{
    IDeviceRecorder Recorder { get; }

    /// <summary>The device's own topic (<see cref="DeviceInfo.Topic"/>) in UTF-8, rendered once per device and kept across its sessions.</summary>
    byte[]? DeviceTopic { get; }

    /// <summary>Whether the device is a visitor: one attempt and its session, then it leaves.</summary>
    bool IsVisit { get; }

    /// <summary>
    /// Token, transport and CONNACK as the profile says, the attempt's outcome recorded (a second
    /// connect in one session opens an attempt of its own). A failure throws, already counted.
    /// </summary>
    Task<MqttClientConnection> ConnectAsync(MqttMessageHandler onMessage, CancellationToken stop);

    /// <summary>
    /// Waits <paramref name="delay"/> on the run's scheduler with the device's one reusable wait,
    /// ending early (without throwing) at the run's stop or when <paramref name="ended"/> completes.
    /// Allocates nothing; one wait at a time per device.
    /// </summary>
    ValueTask WaitAsync(TimeSpan delay, Task? ended, CancellationToken stop);

    /// <summary>Renders, publishes and records the device's next payload-model message; allocates nothing.</summary>
    ValueTask PublishNextAsync(MqttClientConnection connection, byte[] topic, MqttQos qos);

    /// <summary>
    /// A message that arrived, seen first by the engine (on the receive path, allocating nothing):
    /// a command or one of the device's own messages back is recorded and taken (true); anything
    /// else is the scenario's (false).
    /// </summary>
    bool TakeOwn(in PublishPacket message);

    /// <summary>Waits until the device's last message has come back, or <paramref name="within"/> passes (counted as a missed downlink, false), or the stop or <paramref name="ended"/>.</summary>
    ValueTask<bool> WaitForDownlinkAsync(TimeSpan within, Task ended, CancellationToken stop);

    /// <summary>The device's token (a failure is counted as the attempt's and thrown) and its HTTPS client, kept by the host until <see cref="CloseHttps"/> or the attempt's end.</summary>
    Task OpenHttpsAsync(CancellationToken stop);

    /// <summary>One HTTPS publish of <paramref name="payload"/>, or of the device's next payload-model message when null; the first success connects the device.</summary>
    Task HttpsPublishAsync(string topic, ReadOnlyMemory<byte>? payload, MqttQos qos, CancellationToken stop);

    void CloseHttps();

    /// <summary>Whether the target has nRF Cloud's REST API.</summary>
    bool HasNrfCloud { get; }

    /// <summary>A-GNSS in Range requests until the whole came; the bytes received. Failures throw, named; the first success connects the device.</summary>
    Task<long> AgnssAsync(CellInfo cell, CancellationToken stop);

    /// <summary>One ground fix; counted as a message. Failures throw, named; the first success connects the device.</summary>
    Task GroundFixAsync(CellInfo cell, CancellationToken stop);

    /// <summary>When the scenario returns, the device sleeps until <paramref name="period"/> after this wake was due.</summary>
    void Sleep(TimeSpan period);
}
