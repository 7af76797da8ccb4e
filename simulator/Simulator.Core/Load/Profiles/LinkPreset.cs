using System.Text.Json.Serialization;

namespace Simulator.Core.Load.Profiles;

/// <summary>A device's link to start from (docs/cellular-links.md).</summary>
[JsonConverter(typeof(ProfileEnumConverter<LinkPreset>))]
internal enum LinkPreset
{
    /// <summary>Loopback speed: no delay, no rate, no loss.</summary>
    [JsonStringEnumMemberName("none")]
    None,

    [JsonStringEnumMemberName("lte-m")]
    LteM,

    [JsonStringEnumMemberName("nb-iot")]
    NbIot,
}
