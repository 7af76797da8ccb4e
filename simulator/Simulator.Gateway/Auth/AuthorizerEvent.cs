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

    /// <summary>
    /// What the built-in authorizers (standing in for the user's Lambda) take as the token: the value
    /// under the token key, or else the MQTT password, where AWS's unsigned username-and-password form
    /// (the v2 SDK's <c>with_custom_authorizer</c> without a signature) puts it. AWS itself fills
    /// <see cref="Token"/> only from the token key; reading the password is the function's choice.
    /// </summary>
    public string? TokenOrPassword()
    {
        if (Token is not null)
        {
            return Token;
        }

        if (ProtocolData.Mqtt?.Password is not { Length: > 0 } password)
        {
            return null;
        }

        try
        {
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(password));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
