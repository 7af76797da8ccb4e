using System.Diagnostics;

namespace Simulator.Tests.Support;

/// <summary>The simulator executable as a user runs it, in its own process: for signals and resource limits.</summary>
public static class SimulatorProcess
{
    /// <summary>simulator.dll beside the tests' build (same configuration).</summary>
    public static string Dll
    {
        get
        {
            var testBin = AppContext.BaseDirectory.TrimEnd('/');
            var config = Path.GetFileName(Path.GetDirectoryName(testBin)!);
            var tfm = Path.GetFileName(testBin);
            return Path.Combine(Peers.RepoRoot, "simulator", "Simulator", "bin", config, tfm, "simulator.dll");
        }
    }

    /// <summary>Starts `dotnet simulator.dll ARGS` under bash with SIGINT deliverable, with an optional open-files limit, in <paramref name="workingDirectory"/>; in a network namespace the test made, if named.</summary>
    /// <param name="environment">Variables to set, or with a null value to remove, in the child's environment.</param>
    public static Process Start(IEnumerable<string> args, string workingDirectory, int? openFilesLimit = null, string? networkNamespace = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var quoted = string.Join(' ', args.Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        var inNamespace = networkNamespace is null ? string.Empty : $"ip netns exec '{networkNamespace}' ";
        // A shell that starts the test command in the background without job control hands it
        // SIGINT ignored, and every child inherits that; the simulator rightly leaves an ignored
        // SIGINT ignored. A user's terminal delivers it, so the child gets SIGINT's default back.
        var script = (openFilesLimit is { } n ? $"ulimit -n {n} || exit 99; " : string.Empty) + $"exec env --default-signal=INT {inNamespace}dotnet '{Dll}' {quoted}";
        var psi = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                psi.Environment.Remove(name);
            }
            else
            {
                psi.Environment[name] = value;
            }
        }

        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        return Process.Start(psi) ?? throw new InvalidOperationException("cannot start the simulator");
    }

    public static async Task<(int Code, string Out, string Err)> RunAsync(IEnumerable<string> args, string workingDirectory, int? openFilesLimit = null, int timeoutMs = 120_000)
    {
        using var p = Start(args, workingDirectory, openFilesLimit);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeoutMs);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"the simulator did not exit within {timeoutMs} ms: {await stdout}");
        }

        return (p.ExitCode, await stdout, await stderr);
    }
}
