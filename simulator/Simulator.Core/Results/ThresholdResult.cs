namespace Simulator.Core.Results;

/// <summary>One pass/fail gate of the profile and what the run measured against it.</summary>
public sealed record ThresholdResult(string Name, double Limit, double Actual, bool Passed);
