namespace Simulator.Core.Scenarios;

/// <summary>Who a simulated device is: what its firmware would know about itself.</summary>
/// <param name="Index">Its place in the fleet, from 0.</param>
/// <param name="ClientId">Its MQTT client id (the thing name): the ICCID under 1NCE, else the device's id.</param>
/// <param name="Iccid">Its SIM's ICCID.</param>
/// <param name="Imei">Its modem's IMEI.</param>
public sealed record DeviceInfo(int Index, string ClientId, string Iccid, string Imei)
{
    /// <summary>The profile's <c>device.topic</c> with this device's client id in place of <c>{id}</c>: where its messages go.</summary>
    public string Topic { get; init; } = "";

    /// <summary>
    /// The profile's <c>commands.topic</c> for this device while the run sends cloud-to-device
    /// commands, else null. A session subscribed to it times each command from the backend's
    /// PUBLISH to its arrival (summary.json "commands"); commands are not handed to waits.
    /// </summary>
    public string? CommandTopic { get; init; }
}
