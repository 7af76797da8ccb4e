using System.Text.Json.Serialization;

namespace Simulator.Core.Load.Profiles;

/// <summary>How devices reach the broker.</summary>
[JsonConverter(typeof(ProfileEnumConverter<DeviceTransportKind>))]
internal enum DeviceTransportKind
{
    [JsonStringEnumMemberName("wss-custom-auth")]
    WssCustomAuth,

    [JsonStringEnumMemberName("mqtt-alpn")]
    MqttAlpn,

    [JsonStringEnumMemberName("https-publish")]
    HttpsPublish,

    [JsonStringEnumMemberName("mqtt-tcp")]
    MqttTcp,
}
