using System.Collections;
using System.Runtime.InteropServices;
using System.Text;

namespace Simulator.Core.Processes;

/// <summary>
/// Caps glibc's malloc arenas for the long-running verbs. Each thread that allocates natively (the TLS
/// handshakes do) may get its own arena, up to 8 per core, and under reconnect churn those arenas
/// fragment: RSS grew about 2 KB per reconnect with the default and about 0.2 KB with two arenas.
/// glibc reads <c>MALLOC_ARENA_MAX</c> once, before the runtime starts its threads, so setting it
/// from inside the process (or calling mallopt) is too late; the process re-executes itself once
/// with the variable set. A variable the user set, to any value, is left alone.
/// </summary>
internal static partial class GlibcArenaCap
{
    public const string Variable = "MALLOC_ARENA_MAX";
    public const string Arenas = "2";

    /// <summary>Replaces the process image when the cap is missing; returns when it is there or cannot be set.</summary>
    public static void EnsureCapped()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Variable) is not null)
        {
            return;
        }

        var tunables = Environment.GetEnvironmentVariable("GLIBC_TUNABLES");
        if (tunables is not null && tunables.Contains("arena_max", StringComparison.Ordinal))
        {
            return;
        }

        string[] argv;
        try
        {
            // The exact argv the process started with: the apphost's or `dotnet simulator.dll`'s.
            var raw = File.ReadAllBytes("/proc/self/cmdline");
            var parts = Encoding.UTF8.GetString(raw).TrimEnd('\0').Split('\0');
            argv = [.. parts, null!];
        }
        catch (IOException)
        {
            return;
        }
        catch (UnauthorizedAccessException)
        {
            return;
        }

        var env = new List<string>();
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            env.Add($"{e.Key}={e.Value}");
        }

        env.Add($"{Variable}={Arenas}");
        env.Add(null!);

        // The runtime's diagnostic port is named by pid and start time, which the new image keeps: the
        // old socket file would stop it from listening, and dotnet-trace, -counters and -gcdump from attaching.
        var pid = Environment.ProcessId;
        try
        {
            foreach (var socket in Directory.EnumerateFiles(Path.GetTempPath(), $"dotnet-diagnostic-{pid}-*-socket"))
            {
                File.Delete(socket);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        // On success execve does not return; on failure the run goes on uncapped.
        _ = Execve("/proc/self/exe", argv, [.. env]);
    }

    [LibraryImport("libc", EntryPoint = "execve", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Execve(string path, string[] argv, string[] envp);
}
