using System.Net;

namespace Simulator.Core.Load.Profiles;

/// <summary>Where the devices go, resolved: the embedded gateway, or a real endpoint with its name, address, port and trust.</summary>
internal sealed record TargetOptions
{
    public required TargetKind Kind { get; init; }

    /// <summary>The IoT data endpoint host (SNI and certificate name).</summary>
    public string? Host { get; init; }

    public required int Port { get; init; }

    /// <summary>Connect here instead of resolving <see cref="Host"/> (the name stays the host's).</summary>
    public IPAddress? Address { get; init; }

    public string? CaFile { get; init; }

    public bool Insecure { get; init; }

    /// <summary>1NCE onboarding base URL (absolute https), against an endpoint target.</summary>
    public string? OnboardingUrl { get; init; }

    /// <summary>nRF Cloud REST base URL (absolute https), against an endpoint target.</summary>
    public string? NrfCloudUrl { get; init; }
}
