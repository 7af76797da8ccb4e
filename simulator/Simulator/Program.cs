using Simulator.Cli;
using Simulator.Core.Processes;

// The verbs that hold thousands of TLS sessions for hours run with glibc's arenas capped.
if (args.Length > 0 && args[0] is "run" or "capacity" or "gateway")
{
    GlibcArenaCap.EnsureCapped();
}

return await SimulatorCli.RunAsync(args).ConfigureAwait(false);
