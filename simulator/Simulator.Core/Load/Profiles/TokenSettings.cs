namespace Simulator.Core.Load.Profiles;

/// <summary>How a device gets its token.</summary>
public sealed class TokenSettings
{
    /// <summary>"1nce-onboarding" (GET the onboarding endpoint), "device-jwt" (mint ES256 like AT%JWT) or "local-issuer" (mint 1NCE-style issuer tokens in process, embedded only).</summary>
    public TokenSourceKind Source { get; set; } = TokenSourceKind.OnceOnboarding;

    /// <summary>The authorizer named in requests; null uses the default of each source.</summary>
    public string? Authorizer { get; set; }

    public string TokenKeyName { get; set; } = "token";

    /// <summary>Device JWT lifetime.</summary>
    public int LifetimeSeconds { get; set; } = 3600;

    /// <summary>A cached token is replaced this long before it expires.</summary>
    public int RefreshBeforeSeconds { get; set; } = 60;

    /// <summary>"sub" or "iss" for device JWTs.</summary>
    public TokenClaim Claim { get; set; } = TokenClaim.Sub;

    /// <summary>Whether to send the token signature (1NCE tokens carry one).</summary>
    public bool SendSignature { get; set; } = true;
}
