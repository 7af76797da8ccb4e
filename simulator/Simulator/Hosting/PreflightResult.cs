namespace Simulator.Hosting;

/// <summary>What preflight found: the peak devices of this process and the resources they need against the limits.</summary>
public sealed record PreflightResult(int PeakDevices, long FilesNeeded, long? FileLimit, int DevicesPerSource, int? PortsPerSource);
