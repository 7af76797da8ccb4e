namespace Simulator.Core.Identity;

/// <summary>How a device id is formed.</summary>
internal enum DeviceIdFormat
{
    /// <summary>A UUID, as the modem's device UUID (nRF Cloud's default).</summary>
    Uuid,

    /// <summary><c>nrf-&lt;IMEI&gt;</c>, as nRF Cloud's older IMEI-based ids.</summary>
    NrfImei,
}
