using System.Text.Json.Serialization;

namespace Simulator.Core.Load.Profiles;

/// <summary>Where WebSocket and HTTPS custom-auth values go.</summary>
[JsonConverter(typeof(ProfileEnumConverter<CredentialsMode>))]
public enum CredentialsMode
{
    [JsonStringEnumMemberName("headers")]
    Headers,

    [JsonStringEnumMemberName("query")]
    Query,
}
