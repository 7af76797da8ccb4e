namespace Simulator.Hosting;

/// <summary>What preflight found: the peak devices of this process, the resources they need against the limits, and warnings.</summary>
internal sealed record PreflightResult(int PeakDevices, long FilesNeeded, long? FileLimit, int DevicesPerSource, int? PortsPerSource)
{
    /// <summary>What does not stop the run but will likely fail parts of it (an expired CA certificate), one line each.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The embedded gateway's options, parsed from the profile's gateway section here, once; null for another target.</summary>
    public Gateway.Config.GatewayOptions? EmbeddedGateway { get; init; }
}
