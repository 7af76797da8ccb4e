namespace Simulator.Core.Load;

/// <summary>
/// The one judgement of a run's accounting, for a run, a capacity step, a merge and a run rebuilt
/// from its rows alike: the first thing that broke, in words, or null when every device and every
/// attempt is accounted for. Whether the accounting holds is only ever "no problem": the verdict
/// and the sentence that explains it cannot disagree.
/// </summary>
internal static class AccountingVerdict
{
    public static string? Problem(RunOutcome o)
    {
        if (o.ReportedProblem is { } reported)
        {
            return reported;
        }

        if (o.AccountingBrokenSeconds > 0)
        {
            return $"{o.AccountingBrokenSeconds} second(s) in which a census check failed";
        }

        if (o.FinalCensus is not { } final)
        {
            return "no census of the fleet at the end";
        }

        // A census that holds with nobody live has no attempt in flight either (in flight <= connecting).
        if (!final.Holds)
        {
            return "at the end: " + final.Problem;
        }

        if (final.Live != 0)
        {
            return $"{final.Live} device(s) still live at the end";
        }

        if (o.DevicesNotStopped > 0)
        {
            return $"{o.DevicesNotStopped} device(s) did not stop within {LoadEngine.StopGrace.TotalSeconds:0} s";
        }

        if (final.DevicesCrashed > 0)
        {
            return $"{final.DevicesCrashed} device task(s) crashed{(o.CrashClasses is { } c ? ": " + c : string.Empty)}";
        }

        if (!o.Cancelled && o.ArrivalsStarted != o.ArrivalsPlanned)
        {
            return $"{o.ArrivalsPlanned - o.ArrivalsStarted} of {o.ArrivalsPlanned} planned arrivals never started (the generator fell behind the plan)";
        }

        return null;
    }
}
