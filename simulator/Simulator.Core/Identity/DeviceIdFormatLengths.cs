namespace Simulator.Core.Identity;

/// <summary>How long a generated fleet's client ids are, for checks made before the fleet exists.</summary>
internal static class DeviceIdFormatLengths
{
    /// <summary>A device id in <see cref="DeviceIdFormat.Uuid"/> form, the generated fleet's default: 8-4-4-4-12 hex digits.</summary>
    public const int Uuid = 36;

    /// <summary>A generated ICCID: 18 digits and the Luhn check digit (<see cref="FleetDerivation.Iccid"/>).</summary>
    public const int Iccid = 19;
}
