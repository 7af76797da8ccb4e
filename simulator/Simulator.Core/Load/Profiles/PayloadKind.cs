using System.Text.Json.Serialization;

namespace Simulator.Core.Load.Profiles;

/// <summary>What a device's messages carry.</summary>
[JsonConverter(typeof(ProfileEnumConverter<PayloadKind>))]
internal enum PayloadKind
{
    /// <summary>nRF9160-like telemetry JSON (sequence, time, IMEI, RSRP, battery, temperature, a GNSS fix): about 190 bytes.</summary>
    [JsonStringEnumMemberName("telemetry")]
    Telemetry,

    /// <summary>The profile's template, its fields filled per device and per message.</summary>
    [JsonStringEnumMemberName("template")]
    Template,

    /// <summary>Random binary of the profile's size.</summary>
    [JsonStringEnumMemberName("random")]
    Random,
}
