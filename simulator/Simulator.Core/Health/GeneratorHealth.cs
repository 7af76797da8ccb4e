using System.Diagnostics;
using Simulator.Core.Histograms;
using Simulator.Core.Processes;
using Simulator.Core.Transport;

namespace Simulator.Core.Health;

/// <summary>
/// Measures the load generator itself each second: process CPU as a share of all cores, the
/// thread pool's queue, the scheduler's lag p99, GC pause time, and open files against the limit.
/// A second is hot when this process's CPU is above <see cref="CpuLimitPercent"/>, the whole
/// machine's above <see cref="MachineCpuLimitPercent"/> (an embedded gateway or a neighbour
/// competing for the cores), or lag p99 above <see cref="LagLimitMs"/>; more than <see cref="HotSecondsAllowed"/> hot seconds in a row mark
/// the generator saturated (Gatling and k6 warn likewise): its latencies then describe this
/// machine, not the target.
/// </summary>
internal sealed class GeneratorHealth
{
    public const double CpuLimitPercent = 85;
    public const double LagLimitMs = 50;
    public const double MachineCpuLimitPercent = 90;
    public const int HotSecondsAllowed = 5;

    private readonly Func<LatencyHistogram> _takeLag;
    private readonly FdBudget? _fds;
    private readonly Func<double?> _machine;
    private readonly Func<TimeSpan> _processCpu;
    private readonly long? _fdLimit = ProcessLimits.OpenFileLimit();
    private TimeSpan _lastCpu;
    private long _lastWall;
    private TimeSpan _lastGc;
    private int _hotRun;

    /// <param name="processCpu">This process's CPU time so far; tests pin it, so other tests' work on the machine does not read as this generator's.</param>
    public GeneratorHealth(Func<LatencyHistogram> takeLag, FdBudget? fds = null, Func<double?>? machineCpu = null, Func<TimeSpan>? processCpu = null)
    {
        _takeLag = takeLag;
        _fds = fds;
        _machine = machineCpu ?? new MachineCpu().Sample;
        _processCpu = processCpu ?? (static () => Environment.CpuUsage.TotalTime);
        _lastCpu = _processCpu();
        _lastWall = Stopwatch.GetTimestamp();
        _lastGc = GC.GetTotalPauseDuration();
    }

    /// <summary>The judged seconds so far (the plan's, not the final stop's), in constant memory.</summary>
    public HealthTotals Totals { get; } = new();

    /// <summary>Seconds that were part of a hot stretch longer than <see cref="HotSecondsAllowed"/>.</summary>
    public int SaturatedSeconds { get; private set; }

    /// <summary>
    /// Saturated seconds a second adds, given the hot seconds in a row it ends: the whole stretch
    /// once it outlasts <see cref="HotSecondsAllowed"/>, then one a second.
    /// </summary>
    public static int SaturatedBy(int hotRun) => hotRun == HotSecondsAllowed + 1 ? hotRun : hotRun > HotSecondsAllowed + 1 ? 1 : 0;

    public bool Saturated => SaturatedSeconds > 0;

    /// <param name="judged">False for samples outside the plan (the final stop of every device), which do not count towards saturation.</param>
    public HealthSample Sample(bool judged = true)
    {
        var cpu = _processCpu();
        var wall = Stopwatch.GetTimestamp();
        var gc = GC.GetTotalPauseDuration();
        var elapsed = Stopwatch.GetElapsedTime(_lastWall, wall);
        var cpuPercent = elapsed <= TimeSpan.Zero ? 0 : (cpu - _lastCpu) / elapsed / Environment.ProcessorCount * 100;
        var lag = _takeLag();
        var lagP99 = lag.Count == 0 ? 0 : lag.Percentile(99) / 1000.0;
        var machine = _machine();
        var hot = cpuPercent > CpuLimitPercent || machine > MachineCpuLimitPercent || lagP99 > LagLimitMs;
        var openFiles = ProcessLimits.OpenFiles();
        if (openFiles is { } open)
        {
            _fds?.Update(open);
        }

        var sample = new HealthSample(
            Math.Round(cpuPercent, 1),
            machine is { } m ? Math.Round(m, 1) : null,
            ThreadPool.PendingWorkItemCount,
            ThreadPool.ThreadCount,
            Math.Round(lagP99, 2),
            Math.Round((gc - _lastGc).TotalMilliseconds, 2),
            openFiles,
            _fdLimit,
            Environment.WorkingSet,
            hot);
        _lastCpu = cpu;
        _lastWall = wall;
        _lastGc = gc;
        _hotRun = hot && judged ? _hotRun + 1 : 0;
        SaturatedSeconds += SaturatedBy(_hotRun);

        if (judged)
        {
            Totals.Add(sample);
        }

        return sample;
    }
}
