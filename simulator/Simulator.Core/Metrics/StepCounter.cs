using System.Collections.Concurrent;
using Simulator.Core.Histograms;

namespace Simulator.Core.Metrics;

/// <summary>One named step's live counters. Thread-safe: every device running the step records into it.</summary>
internal sealed class StepCounter
{
    private readonly ConcurrentDictionary<string, long> _failures = new(StringComparer.Ordinal);
    private readonly LatencyHistogram _latency = new();
    private LatencyHistogram _second = new();
    private long _ok;
    private long _failed;
    private long _secondOk;
    private long _secondFailed;

    public void Record(double milliseconds, string? failureClass)
    {
        var us = (long)(Math.Max(0, milliseconds) * 1000);
        _latency.Record(us);
        Volatile.Read(ref _second).Record(us);
        if (failureClass is null)
        {
            Interlocked.Increment(ref _ok);
            Interlocked.Increment(ref _secondOk);
        }
        else
        {
            Interlocked.Increment(ref _failed);
            Interlocked.Increment(ref _secondFailed);
            _failures.AddOrUpdate(failureClass, 1, static (_, n) => n + 1);
        }
    }

    /// <summary>The second just closed, and a fresh one begun; null when the step did not end in it.</summary>
    public StepSecond? TakeSecond()
    {
        var ok = Interlocked.Exchange(ref _secondOk, 0);
        var failed = Interlocked.Exchange(ref _secondFailed, 0);
        var latency = Interlocked.Exchange(ref _second, new LatencyHistogram());
        return ok + failed == 0 ? null : new StepSecond(ok, failed, latency.Count == 0 ? double.NaN : latency.Percentile(99) / 1000.0);
    }

    public StepTotals Snapshot()
    {
        var copy = new LatencyHistogram();
        copy.Merge(_latency);
        return new StepTotals
        {
            Ok = Interlocked.Read(ref _ok),
            Failed = Interlocked.Read(ref _failed),
            Failures = new Dictionary<string, long>(_failures, StringComparer.Ordinal),
            Latency = copy,
        };
    }
}
