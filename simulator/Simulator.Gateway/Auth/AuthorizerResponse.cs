using System.Text.Json;
using System.Text.Json.Serialization;

namespace Simulator.Gateway.Auth;

/// <summary>The authorizer's answer (A.3). Policy documents may be objects (Lambda) or strings (TestInvokeAuthorizer).</summary>
public sealed class AuthorizerResponse
{
    [JsonPropertyName("isAuthenticated")]
    public bool IsAuthenticated { get; init; }

    [JsonPropertyName("principalId")]
    public string? PrincipalId { get; init; }

    [JsonPropertyName("policyDocuments")]
    public List<JsonElement>? PolicyDocuments { get; init; }

    [JsonPropertyName("disconnectAfterInSeconds")]
    public int DisconnectAfterInSeconds { get; init; }

    [JsonPropertyName("refreshAfterInSeconds")]
    public int RefreshAfterInSeconds { get; init; }

    /// <summary>The policy documents as JSON text.</summary>
    public IEnumerable<string> DocumentTexts() =>
        (PolicyDocuments ?? []).Select(d => d.ValueKind == JsonValueKind.String ? d.GetString() ?? string.Empty : d.GetRawText());
}
