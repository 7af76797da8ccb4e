using System.Text.Json.Serialization;

namespace Simulator.Core.Identity;

/// <summary>fleet.json: the identities and public keys of a fleet. Private keys are never in it.</summary>
internal sealed class FleetManifest
{
    public const int CurrentSchemaVersion = 1;

    [JsonPropertyName("schemaVersion")]
    public required int SchemaVersion { get; init; }

    /// <summary>"generated" (keys derive from the seed) or "imported" (keys are read from files).</summary>
    [JsonPropertyName("source")]
    public required string Source { get; init; }

    /// <summary>A string, since JSON numbers lose precision above 2^53.</summary>
    [JsonPropertyName("seed")]
    public string? Seed { get; init; }

    [JsonPropertyName("count")]
    public required int Count { get; init; }

    [JsonPropertyName("tac")]
    public string? Tac { get; init; }

    [JsonPropertyName("iccidPrefix")]
    public string? IccidPrefix { get; init; }

    [JsonPropertyName("idFormat")]
    public string? IdFormat { get; init; }

    [JsonPropertyName("caCertificateFile")]
    public string? CaCertificateFile { get; init; }

    [JsonPropertyName("devices")]
    public required List<FleetManifestDevice> Devices { get; init; }
}
