namespace Simulator.Gateway.Auth;

/// <summary>What an HTTPS connection's cached authorizer answer is for: the authorizer and the token it judged (null when the authorizer takes none).</summary>
internal sealed record HttpAuthCacheKey(string Authorizer, string? Token);
