using System.Text.Json.Serialization;

namespace Simulator.Gateway.Auth;

public sealed class HttpData
{
    [JsonPropertyName("headers")]
    public required Dictionary<string, string> Headers { get; init; }

    /// <summary>With its leading '?', as AWS sends it.</summary>
    [JsonPropertyName("queryString")]
    public required string QueryString { get; init; }
}
