using System.Text.Json.Serialization;

namespace Simulator.Core.Identity;

/// <summary>Source-generated JSON for fleet.json: trimming-safe, and unknown keys are errors.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FleetManifest))]
internal sealed partial class FleetJsonContext : JsonSerializerContext;
