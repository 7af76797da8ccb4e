namespace Simulator.Core.Tokens;

/// <summary>The claims of a device token, as AT%JWT and nrf_cloud_jwt_generate() set them (C.1, C.2).</summary>
internal sealed record DeviceTokenOptions
{
    /// <summary>NRF_CLOUD_JWT_VALID_TIME_S_DEF.</summary>
    public const int DefaultLifetimeSeconds = 600;

    /// <summary>NRF_CLOUD_JWT_VALID_TIME_S_MAX: 7 days.</summary>
    public const int MaxLifetimeSeconds = 604_800;

    public DeviceClaimMode ClaimMode { get; init; } = DeviceClaimMode.Subject;

    /// <summary>0 leaves out iat and exp, as the modem does without exp_delta.</summary>
    public int LifetimeSeconds { get; init; } = DefaultLifetimeSeconds;

    public bool IncludeJti { get; init; } = true;

    public string? Audience { get; init; }

    /// <summary>The chip prefix of iss and jti.</summary>
    public string Chip { get; init; } = "nrf9160";

    public void Validate()
    {
        if (LifetimeSeconds is < 0 or > MaxLifetimeSeconds)
        {
            throw new Errors.InputException($"token lifetime must be 0 to {MaxLifetimeSeconds} seconds (7 days), got {LifetimeSeconds}", field: "ttl");
        }
    }
}
