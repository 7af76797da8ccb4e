namespace Simulator.Core.Scenarios;

/// <summary>The LTE cell a device is camped on, as its modem reports it (AT%XMONITOR) to a location service.</summary>
/// <param name="Mcc">Mobile country code.</param>
/// <param name="Mnc">Mobile network code.</param>
/// <param name="Tac">Tracking area code.</param>
/// <param name="Eci">E-UTRAN cell identity.</param>
public sealed record CellInfo(int Mcc, int Mnc, int Tac, long Eci)
{
    /// <summary>A cell for the device at <paramref name="index"/>: the fleet spread over 100,000 cells in 50 tracking areas of one network (242/01).</summary>
    public static CellInfo ForDevice(int index) => new(242, 1, 4000 + (index % 50), 21_000_000 + (index % 100_000));
}
