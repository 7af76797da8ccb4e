using System.Text.Json.Serialization;

namespace Simulator.Core.Load.Profiles;

/// <summary>Where WebSocket and HTTPS custom-auth values go.</summary>
[JsonConverter(typeof(ProfileEnumConverter<CredentialsMode>))]
internal enum CredentialsMode
{
    [JsonStringEnumMemberName("headers")]
    Headers,

    [JsonStringEnumMemberName("query")]
    Query,

    /// <summary>wss-custom-auth as the AWS IoT Device SDK v2 does it: a bare upgrade, the values in the MQTT username.</summary>
    [JsonStringEnumMemberName("username")]
    Username,
}
