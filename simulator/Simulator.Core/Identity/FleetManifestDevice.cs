using System.Text.Json.Serialization;

namespace Simulator.Core.Identity;

/// <summary>One device's row in fleet.json.</summary>
internal sealed class FleetManifestDevice
{
    [JsonPropertyName("index")]
    public required int Index { get; init; }

    [JsonPropertyName("deviceId")]
    public required string DeviceId { get; init; }

    [JsonPropertyName("imei")]
    public required string Imei { get; init; }

    [JsonPropertyName("iccid")]
    public required string Iccid { get; init; }

    [JsonPropertyName("publicKeyPem")]
    public required string PublicKeyPem { get; init; }

    [JsonPropertyName("privateKeyFile")]
    public required string PrivateKeyFile { get; init; }

    [JsonPropertyName("certificateFile")]
    public string? CertificateFile { get; init; }
}
