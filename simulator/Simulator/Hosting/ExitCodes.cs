namespace Simulator.Hosting;

/// <summary>Process exit codes, stable for scripts and CI gates.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The run happened but failed: an error at run time, or a threshold breached.</summary>
    public const int Failed = 1;

    /// <summary>Bad input: arguments, files, profiles. Nothing was done.</summary>
    public const int BadInput = 2;

    /// <summary>Stopped by SIGINT or SIGTERM (128 + 2, as shells report an interrupted command): results are written, marked cancelled.</summary>
    public const int Cancelled = 130;
}
