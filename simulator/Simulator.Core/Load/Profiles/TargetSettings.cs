namespace Simulator.Core.Load.Profiles;

/// <summary>Where the devices go: the embedded gateway, or real endpoints.</summary>
internal sealed class TargetSettings
{
    /// <summary>"embedded" (the in-process local gateway) or "endpoint".</summary>
    public TargetKind Kind { get; set; } = TargetKind.Embedded;

    /// <summary>The IoT data endpoint host (SNI), e.g. xxxx-ats.iot.eu-central-1.amazonaws.com.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 443;

    /// <summary>Address to connect to when DNS should not be used (the SNI stays <see cref="Host"/>).</summary>
    public string? Address { get; set; }

    public string? CaFile { get; set; }

    public bool Insecure { get; set; }

    /// <summary>1NCE onboarding base URL, e.g. https://device.connectivity-suite.cloud.</summary>
    public string? OnboardingUrl { get; set; }

    /// <summary>nRF Cloud REST base URL, e.g. https://api.nrfcloud.com.</summary>
    public string? NrfCloudUrl { get; set; }
}
