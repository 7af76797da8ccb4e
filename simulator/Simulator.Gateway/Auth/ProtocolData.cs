using System.Text.Json.Serialization;

namespace Simulator.Gateway.Auth;

/// <summary>protocolData of the authorizer event: only the protocols the connection used are present.</summary>
public sealed class ProtocolData
{
    [JsonPropertyName("tls")]
    public TlsData? Tls { get; init; }

    [JsonPropertyName("http")]
    public HttpData? Http { get; init; }

    [JsonPropertyName("mqtt")]
    public MqttData? Mqtt { get; init; }
}
