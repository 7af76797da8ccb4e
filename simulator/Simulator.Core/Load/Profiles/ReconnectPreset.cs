using System.Text.Json.Serialization;

namespace Simulator.Core.Load.Profiles;

/// <summary>A reconnect policy taken from a real client; keys set beside it override its values (docs/cellular-links.md).</summary>
[JsonConverter(typeof(ProfileEnumConverter<ReconnectPreset>))]
internal enum ReconnectPreset
{
    /// <summary>This tool's own: exponential from 1 s to 30 s with full jitter, giving up after 8 failures.</summary>
    [JsonStringEnumMemberName("default")]
    Default,

    /// <summary>The AWS IoT Device SDKs (aws-c-mqtt's MQTT 5 client): exponential from 1 s to 120 s with full jitter, never giving up.</summary>
    [JsonStringEnumMemberName("aws-iot-sdk")]
    AwsIotSdk,

    /// <summary>MQTT.js: a fixed 1 s (reconnectPeriod), no jitter, never giving up.</summary>
    [JsonStringEnumMemberName("mqtt-js")]
    MqttJs,

    /// <summary>Nordic's Asset Tracker Template (cloud module): linear from 60 s, 60 s more per failure, at most 3600 s, no jitter, never giving up.</summary>
    [JsonStringEnumMemberName("asset-tracker")]
    AssetTracker,
}
