using System.Text.Json.Serialization;

namespace Simulator.Core.Tokens;

/// <summary>The claims of a simulated 1NCE issuer token.</summary>
internal sealed class OnceTokenClaims
{
    [JsonPropertyName("iss")]
    public required string Iss { get; init; }

    [JsonPropertyName("sub")]
    public required string Sub { get; init; }

    [JsonPropertyName("iccid")]
    public required string Iccid { get; init; }

    [JsonPropertyName("iat")]
    public required long Iat { get; init; }

    [JsonPropertyName("exp")]
    public required long Exp { get; init; }

    [JsonPropertyName("jti")]
    public required string Jti { get; init; }
}
