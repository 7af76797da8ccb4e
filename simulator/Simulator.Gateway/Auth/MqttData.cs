using System.Text.Json.Serialization;

namespace Simulator.Gateway.Auth;

public sealed class MqttData
{
    [JsonPropertyName("username")]
    public string? Username { get; init; }

    /// <summary>Base64, as AWS encodes the CONNECT password for the Lambda.</summary>
    [JsonPropertyName("password")]
    public string? Password { get; init; }

    [JsonPropertyName("clientId")]
    public string? ClientId { get; init; }
}
