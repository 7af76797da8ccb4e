using System.Text.Json.Serialization;

namespace Simulator.Core.Load.Profiles;

/// <summary>Which claim of a device JWT carries the device id.</summary>
[JsonConverter(typeof(ProfileEnumConverter<TokenClaim>))]
internal enum TokenClaim
{
    [JsonStringEnumMemberName("sub")]
    Sub,

    [JsonStringEnumMemberName("iss")]
    Iss,
}
