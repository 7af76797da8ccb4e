using System.Diagnostics;
using System.Globalization;
using Simulator.Core.Errors;
using Simulator.Core.Load;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;
using Simulator.Core.Processes;
using Simulator.Core.Results;

namespace Simulator.Hosting;

/// <summary>
/// <c>simulator run --workers N</c>: the Kubernetes path on one machine. N worker processes run
/// the same profile with <c>fleet.shard: "auto"</c>, each seeing <c>JOB_COMPLETION_INDEX</c> and
/// <c>SIMULATOR_SHARDS</c> exactly as an Indexed Job's pods do, a shared <c>--start-at</c> so their
/// phases line up, and their own results folder. Their per-second rows feed one combined console
/// (<see cref="WorkerConsole"/>); their other lines are shown prefixed with the shard; their
/// results are merged at the end. Each process has its own file limit, which is how one machine
/// passes 20,000 connections. Against the embedded target every worker hosts its own gateway.
/// </summary>
internal static class WorkerRun
{
    /// <summary>Time the workers get to start, build their fleet and gateway and warm up before the agreed start.</summary>
    public static readonly TimeSpan SetUpAllowance = TimeSpan.FromSeconds(8);

    public static async Task<int> ExecuteAsync(int workers, string profilePath, IReadOnlyList<string> overrides, string resultsRoot, string? startAt, bool noPreflight, bool connectSamples, int? metricsPort, string metricsHost, string? otlpEndpoint, RunOptions profile, TextWriter output, CancellationToken stop, System.Net.IPEndPoint? dashboardAt = null, IReadOnlyList<string>? scenarioArgs = null)
    {
        if (workers is < 1 or > 256)
        {
            throw new InputException($"must be 1 to 256, got {workers}", field: "--workers");
        }

        if (profile.Fleet.Shard is { IsWhole: false } named)
        {
            throw new InputException($"--workers splits the fleet itself; the profile already names shard \"{named}\" (leave fleet.shard out, or \"auto\")", profilePath, field: "$.fleet.shard");
        }

        var at = startAt ?? DateTimeOffset.UtcNow.Add(SetUpAllowance).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var root = Path.Combine(resultsRoot, $"{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}-{profile.Name}-workers");
        for (var n = 2; Directory.Exists(root); n++)
        {
            root = Path.Combine(resultsRoot, $"{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}-{profile.Name}-workers-{n}");
        }

        try
        {
            Directory.CreateDirectory(root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"cannot be written: {e.Message}", resultsRoot, field: "--results");
        }

        await output.WriteLineAsync($"{workers} workers for '{profile.Name}', plan starts at {at}; results under {root}").ConfigureAwait(false);

        // One page over all workers: their seconds combined as the console combines them.
        await using var dashboard = dashboardAt is { } where
            ? await Dashboard.StartAsync(where, profile.Name, new LoadPlan(profile.Phases, profile.Fleet.Count).TotalSeconds, profile.Target.Kind == TargetKind.Embedded, output).ConfigureAwait(false)
            : null;
        var gate = new object();
        _ = ProfileLoader.TryParseInstant(at, out var origin);
        (SecondRow Row, bool Shown)? last = null;
        var console = new WorkerConsole(workers, origin.ToUnixTimeSeconds(), row =>
        {
            dashboard?.Publish(row);
            last = (row, ConsoleReporter.Shown(row));
            if (last.Value.Shown)
            {
                lock (gate)
                {
                    output.WriteLine($"[all {workers}] {ConsoleReporter.Line(row)}");
                }
            }
        });
        var processes = new List<Process>();
        var tasks = new List<Task<int>>();
        try
        {
            for (var i = 0; i < workers; i++)
            {
                var args = new List<string> { "run", "--profile", profilePath, "--results", Path.Combine(root, $"shard-{i}"), "--start-at", at, "--shards", workers.ToString(CultureInfo.InvariantCulture), "--set", "fleet.shard=auto", "--worker-rows" };
                foreach (var o in overrides)
                {
                    args.Add("--set");
                    args.Add(o);
                }

                if (noPreflight)
                {
                    args.Add("--no-preflight");
                }

                args.AddRange(scenarioArgs ?? []);

                if (connectSamples)
                {
                    args.Add("--connect-samples");
                }

                if (metricsPort is { } port)
                {
                    args.Add("--metrics-port");
                    args.Add((port + i).ToString(CultureInfo.InvariantCulture));
                    args.Add("--metrics-host");
                    args.Add(metricsHost);
                }

                if (otlpEndpoint is not null)
                {
                    args.Add("--otlp-endpoint");
                    args.Add(otlpEndpoint);
                }

                var p = Start(args, i, workers);
                processes.Add(p);
                tasks.Add(PumpAsync(p, i, $"[{i}/{workers}] ", output, gate, console));
            }

            using var onStop = stop.Register(() =>
            {
                foreach (var p in processes)
                {
                    Signals.Send(p.Id, Signals.SigTerm);
                }
            });
            var codes = await Task.WhenAll(tasks).ConfigureAwait(false);
            console.Flush();
            if (last is { Shown: false } end)
            {
                await output.WriteLineAsync($"[all {workers}] {ConsoleReporter.Line(end.Row)}").ConfigureAwait(false); // the last second, always
            }
            for (var i = 0; i < codes.Length; i++)
            {
                if (codes[i] == ExitCodes.BadInput)
                {
                    await output.WriteLineAsync($"error: worker {i}/{workers} refused its input (exit 2): see its lines above").ConfigureAwait(false);
                    return ExitCodes.BadInput;
                }
            }

            // A worker that failed before its run began left no folder; merge then names its shard missing.
            var dirs = Enumerable.Range(0, workers).Select(i => Path.Combine(root, $"shard-{i}")).Select(d => Directory.Exists(d) ? Directory.GetDirectories(d).SingleOrDefault() : null).ToList();
            var shards = dirs.Where(d => d is not null).Select(d => ShardRun.Read(d!)).ToList();
            foreach (var (d, i) in dirs.Select((d, i) => (d, i)).Where(x => x.d is null))
            {
                await output.WriteLineAsync($"warning: worker {i}/{workers} left no results (exit {codes[i]})").ConfigureAwait(false);
            }

            if (shards.Count == 0)
            {
                await output.WriteLineAsync("error: no worker left results to merge").ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            var report = ShardMerge.Merge(shards);
            var merged = Path.Combine(root, "merged");
            ResultsWriter.WriteInto(report, merged);
            MergeConsole.Write(output, report, merged);
            dashboard?.Finish(ResultsWriter.VerdictWord(report), Path.Combine(merged, "report.html"));
            return stop.IsCancellationRequested ? ExitCodes.Cancelled : ExitCodes.For(report.Verdict);
        }
        finally
        {
            foreach (var p in processes)
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                }

                p.Dispose();
            }
        }
    }

    /// <summary>The CLI's assembly name (simulator.dll, its apphost simulator).</summary>
    internal const string CliAssembly = "simulator";

    /// <summary>This same simulator, as a child process: the apphost beside the assembly, else <c>dotnet simulator.dll</c>.</summary>
    private static Process Start(List<string> args, int index, int workers)
    {
        // A single-file or self-contained publish has no assembly path: the process itself is the simulator.
        // Otherwise the CLI's assembly (simulator.dll) lies beside this library's, as the build and the tool package lay them out.
        var here = typeof(WorkerRun).Assembly.Location;
        var dll = string.IsNullOrEmpty(here) ? string.Empty : Path.Combine(Path.GetDirectoryName(here)!, CliAssembly + ".dll");
        var apphost = string.IsNullOrEmpty(dll) ? Environment.ProcessPath! : Path.ChangeExtension(dll, null);
        var info = File.Exists(apphost)
            ? new ProcessStartInfo(apphost)
            : new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { ArgumentList = { dll } };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.Environment[ShardAssignment.IndexVariable] = index.ToString(CultureInfo.InvariantCulture);
        info.Environment[ShardAssignment.CountVariable] = workers.ToString(CultureInfo.InvariantCulture);

        // More workers than cores: idle thread-pool threads spinning for work (sched_yield in a
        // profile) steal the cores the other workers need.
        if (workers > Environment.ProcessorCount && Environment.GetEnvironmentVariable("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit") is null)
        {
            info.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        }
        return Process.Start(info) ?? throw new InvalidOperationException("the worker process did not start");
    }

    private static async Task<int> PumpAsync(Process p, int index, string prefix, TextWriter output, object gate, WorkerConsole console)
    {
        var rows = new TimeseriesReader(TimeseriesCsv.Header, $"worker {index}");
        var lineNo = 0;
        async Task Copy(StreamReader reader, bool stdout)
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (stdout && line.StartsWith(WorkerConsole.Marker, StringComparison.Ordinal))
                {
                    try
                    {
                        console.Add(index, rows.Parse(line[WorkerConsole.Marker.Length..], ++lineNo));
                        continue;
                    }
                    catch (InputException)
                    {
                        // Not a row after all (a worker of another version): shown as it came.
                    }
                }

                lock (gate)
                {
                    output.WriteLine(prefix + line);
                }
            }
        }

        await Task.WhenAll(Copy(p.StandardOutput, stdout: true), Copy(p.StandardError, stdout: false)).ConfigureAwait(false);
        await p.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        console.Exited(index);
        return p.ExitCode;
    }
}
