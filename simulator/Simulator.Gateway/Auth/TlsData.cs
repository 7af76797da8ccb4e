using System.Text.Json.Serialization;

namespace Simulator.Gateway.Auth;

public sealed class TlsData
{
    [JsonPropertyName("serverName")]
    public required string ServerName { get; init; }
}
