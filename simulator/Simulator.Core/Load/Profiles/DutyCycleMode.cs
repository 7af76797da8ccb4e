using System.Text.Json.Serialization;

namespace Simulator.Core.Load.Profiles;

/// <summary>How a duty-cycled modem saves power between its messages (3GPP TS 23.682 §4.5.4 PSM, §4.5.13 eDRX).</summary>
[JsonConverter(typeof(ProfileEnumConverter<DutyCycleMode>))]
internal enum DutyCycleMode
{
    /// <summary>Power saving mode: wake on the periodic timer, connect, publish, disconnect, sleep unreachable.</summary>
    [JsonStringEnumMemberName("psm")]
    Psm,

    /// <summary>Extended DRX: stay connected; the network reaches the device only in its paging windows.</summary>
    [JsonStringEnumMemberName("edrx")]
    Edrx,
}
