namespace Simulator.Hosting;

/// <summary>Process exit codes, stable for scripts and CI gates.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The run happened but failed: an error at run time, or a threshold breached.</summary>
    public const int Failed = 1;

    /// <summary>Bad input: arguments, files, profiles. Nothing was done.</summary>
    public const int BadInput = 2;

    /// <summary>Stopped by SIGINT or SIGTERM (128 + 2, as shells report an interrupted command): results are written, marked cancelled.</summary>
    public const int Cancelled = 130;

    /// <summary>A judged run's exit code: passed, or run without thresholds to judge by, is 0; cancelled 130; anything else 1.</summary>
    public static int For(Simulator.Core.Results.RunVerdict verdict) => verdict switch
    {
        Simulator.Core.Results.RunVerdict.Passed or Simulator.Core.Results.RunVerdict.Unjudged => Ok,
        Simulator.Core.Results.RunVerdict.Cancelled => Cancelled,
        Simulator.Core.Results.RunVerdict.Aborted => Failed,
        _ => Failed,
    };
}
