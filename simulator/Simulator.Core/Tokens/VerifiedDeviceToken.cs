namespace Simulator.Core.Tokens;

/// <summary>The claims of a token that passed verification.</summary>
internal sealed record VerifiedDeviceToken(string DeviceId, string? Subject, string? Issuer, string? Audience, long? IssuedAt, long? ExpiresAt, string? JwtId);
