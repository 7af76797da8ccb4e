namespace Simulator.Core.Results.Summary;

/// <summary>One threshold judged: its limit, the run's figure, and whether it passed.</summary>
public sealed record ThresholdSummary(string Name, double Limit, double Actual, bool Passed);
