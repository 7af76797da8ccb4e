namespace Simulator.Core.Results;

/// <summary>How a run ended: passed its thresholds with every device accounted for, failed, stopped early, or died before its end (rebuilt from its rows).</summary>
internal enum RunVerdict
{
    Passed,
    Failed,
    Cancelled,
    Incomplete,

    /// <summary>Every device accounted for and some connected, but the profile set no thresholds to judge by (an explicit empty section).</summary>
    Unjudged,

    /// <summary>Stopped before its plan: the target refused every warm-up device (warmUp.required).</summary>
    Aborted,
}
