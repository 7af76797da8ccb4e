using System.Text.Json.Serialization;

namespace Simulator.Gateway.Auth;

public sealed class ConnectionMetadata
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }
}
