using Simulator.Cli;
using Simulator.Core.Processes;

// The verbs that hold thousands of TLS sessions for hours run with glibc's arenas capped, and its
// free pages handed back now and then.
var longRunning = args.Length > 0 && args[0] is "run" or "capacity" or "gateway";
if (longRunning)
{
    GlibcArenaCap.EnsureCapped();
}

// SIMULATOR_NATIVE_TRIM=0 leaves glibc as it is (to measure what the trimming saves).
using var trimmer = longRunning && Environment.GetEnvironmentVariable("SIMULATOR_NATIVE_TRIM") != "0" ? NativeHeapTrimmer.Start() : null;
return await SimulatorCli.RunAsync(args).ConfigureAwait(false);
