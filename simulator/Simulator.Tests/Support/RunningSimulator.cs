using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Simulator.Tests.Support;

/// <summary>A simulator process started until a line says it is ready, then stopped by a signal as a user or a container runtime would.</summary>
public sealed class RunningSimulator : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Task<string> _stderr;

    private RunningSimulator(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public Task<string> Stderr => _stderr;

    /// <summary>The simulator's process id (bash execs it, so the shell's pid is the simulator's).</summary>
    public int Pid => _process.Id;

    /// <summary>Starts `simulator ARGS` and returns once a stdout line contains <paramref name="readyMarker"/>.</summary>
    public static async Task<RunningSimulator> StartAsync(IEnumerable<string> args, string workingDirectory, string readyMarker, string? networkNamespace = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var running = new RunningSimulator(SimulatorProcess.Start(args, workingDirectory, networkNamespace: networkNamespace, environment: environment));
        var ready = new TaskCompletionSource();
        running._process.OutputDataReceived += (_, e) =>
        {
            lock (running._output)
            {
                running._output.AppendLine(e.Data);
            }

            if (e.Data?.Contains(readyMarker, StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        running._process.BeginOutputReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return running;
    }

    /// <summary>Sends SIG<paramref name="signal"/> and waits for the exit: the exit code and how long it took.</summary>
    public async Task<(int Code, TimeSpan Took)> SignalAsync(string signal)
    {
        var sent = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill!.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
        return (_process.ExitCode, sent.Elapsed);
    }

    /// <summary>SIGKILL, as an OOM kill or an evicted pod ends a process, and waits for it to be gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Disposed already.
        }

        _process.Dispose();
    }
}
