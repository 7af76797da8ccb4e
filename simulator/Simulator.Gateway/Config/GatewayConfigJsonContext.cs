using System.Text.Json.Serialization;

namespace Simulator.Gateway.Config;

/// <summary>The gateway's JSON config: camelCase keys, comments allowed, unknown keys refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(GatewayOptions))]
internal sealed partial class GatewayConfigJsonContext : JsonSerializerContext;
