namespace Simulator.Core.Results;

/// <summary>What is known of a run before its first arrival, for run.json: enough to judge its rows if it never finishes.</summary>
internal sealed record RunStart(int FleetDevices, int PlannedDevices, double PlanSeconds, bool EmbeddedGateway, double? StartSkewMs);
