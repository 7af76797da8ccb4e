namespace Simulator.Core.Results;

/// <summary>How a run ended: passed its thresholds with every device accounted for, failed, or was stopped early.</summary>
public enum RunVerdict
{
    Passed,
    Failed,
    Cancelled,
}
