using System.Text.Json.Serialization;

namespace Simulator.Core.Load.Profiles;

/// <summary>The kinds of load phase, in NBomber's vocabulary.</summary>
[JsonConverter(typeof(ProfileEnumConverter<PhaseKind>))]
internal enum PhaseKind
{
    [JsonStringEnumMemberName("ramp")]
    Ramp,

    [JsonStringEnumMemberName("hold")]
    Hold,

    [JsonStringEnumMemberName("spike")]
    Spike,

    [JsonStringEnumMemberName("rampDown")]
    RampDown,

    [JsonStringEnumMemberName("pause")]
    Pause,

    /// <summary>Open-model visits: devices arrive at a rate for some seconds, each connects once, holds its session and leaves.</summary>
    [JsonStringEnumMemberName("arrivals")]
    Arrivals,

    /// <summary>The radio links of a share of the fleet go down for some seconds (a cell or core-network outage); the devices then reconnect under their reconnect policy.</summary>
    [JsonStringEnumMemberName("outage")]
    Outage,
}
