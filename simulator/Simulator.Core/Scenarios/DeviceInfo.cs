namespace Simulator.Core.Scenarios;

/// <summary>Who a simulated device is: what its firmware would know about itself.</summary>
/// <param name="Index">Its place in the fleet, from 0.</param>
/// <param name="ClientId">Its MQTT client id (the thing name): the ICCID under 1NCE, else the device's id.</param>
/// <param name="Iccid">Its SIM's ICCID.</param>
/// <param name="Imei">Its modem's IMEI.</param>
public sealed record DeviceInfo(int Index, string ClientId, string Iccid, string Imei);
