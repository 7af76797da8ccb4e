using System.Runtime.InteropServices;

namespace Simulator.Core.Processes;

/// <summary>
/// Sends a POSIX signal to a child process. <see cref="System.Diagnostics.Process.Kill()"/> sends
/// SIGKILL, which leaves a worker no chance to stop its devices and write its results; SIGTERM does
/// (the generic host turns it into a graceful stop).
/// </summary>
internal static partial class Signals
{
    public const int SigInt = 2;
    public const int SigTerm = 15;

    /// <returns>False where the process is gone or signals are not supported (Windows).</returns>
    public static bool Send(int pid, int signal) => !OperatingSystem.IsWindows() && Kill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);
}
