using System.Text.Json.Serialization;

namespace Simulator.Core.Load.Profiles;

/// <summary>Where devices go: the in-process local gateway, or real endpoints.</summary>
[JsonConverter(typeof(ProfileEnumConverter<TargetKind>))]
internal enum TargetKind
{
    [JsonStringEnumMemberName("embedded")]
    Embedded,

    [JsonStringEnumMemberName("endpoint")]
    Endpoint,
}
