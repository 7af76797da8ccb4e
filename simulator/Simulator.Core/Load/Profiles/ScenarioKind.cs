using System.Text.Json.Serialization;

namespace Simulator.Core.Load.Profiles;

/// <summary>What each device does.</summary>
[JsonConverter(typeof(ProfileEnumConverter<ScenarioKind>))]
internal enum ScenarioKind
{
    /// <summary>MQTT connect, subscribe, publish loop.</summary>
    [JsonStringEnumMemberName("telemetry")]
    Telemetry,

    /// <summary>A-GNSS in ranges and a ground fix over nRF Cloud REST.</summary>
    [JsonStringEnumMemberName("nrfcloud-location")]
    NrfCloudLocation,

    /// <summary>An MQTT device on a PSM or eDRX duty cycle (<see cref="DutyCycleSettings"/>).</summary>
    [JsonStringEnumMemberName("duty-cycle")]
    DutyCycle,

    /// <summary>Nordic's aws_iot library as its sample configures it: shadow subscriptions and a shadow get at every connect, reported state on the publish interval.</summary>
    [JsonStringEnumMemberName("aws-iot")]
    AwsIot,
}
