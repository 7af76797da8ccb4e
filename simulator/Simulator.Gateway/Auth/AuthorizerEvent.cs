using System.Text.Json.Serialization;

namespace Simulator.Gateway.Auth;

/// <summary>The Lambda event AWS IoT Core sends a custom authorizer, field for field (A.3).</summary>
public sealed class AuthorizerEvent
{
    [JsonPropertyName("token")]
    public string? Token { get; init; }

    [JsonPropertyName("signatureVerified")]
    public bool SignatureVerified { get; init; }

    [JsonPropertyName("protocols")]
    public required List<string> Protocols { get; init; }

    [JsonPropertyName("protocolData")]
    public required ProtocolData ProtocolData { get; init; }

    [JsonPropertyName("connectionMetadata")]
    public required ConnectionMetadata ConnectionMetadata { get; init; }
}
