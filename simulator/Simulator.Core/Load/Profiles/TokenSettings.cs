namespace Simulator.Core.Load.Profiles;

/// <summary>How a device gets its token.</summary>
/// <param name="Source">"1nce-onboarding" (GET the onboarding endpoint), "device-jwt" (mint ES256 like AT%JWT) or "local-issuer" (mint 1NCE-style issuer tokens in process, embedded only).</param>
/// <param name="Authorizer">The authorizer named in requests; null uses the default of each source.</param>
/// <param name="TokenKeyName">The header or query key that carries the token.</param>
/// <param name="LifetimeSeconds">Device JWT lifetime.</param>
/// <param name="RefreshBeforeSeconds">A cached token is replaced this long before it expires.</param>
/// <param name="Claim">"sub" or "iss" for device JWTs.</param>
/// <param name="SendSignature">Whether to send the token signature (1NCE tokens carry one).</param>
internal sealed record TokenSettings(
    TokenSourceKind Source = TokenSourceKind.OnceOnboarding,
    string? Authorizer = null,
    string TokenKeyName = "token",
    int LifetimeSeconds = 3600,
    int RefreshBeforeSeconds = 60,
    TokenClaim Claim = TokenClaim.Sub,
    bool SendSignature = true);
