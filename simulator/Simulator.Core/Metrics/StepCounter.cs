using System.Collections.Concurrent;
using Simulator.Core.Histograms;

namespace Simulator.Core.Metrics;

/// <summary>One named step's live counters. Thread-safe: every device running the step records into it.</summary>
internal sealed class StepCounter
{
    private readonly ConcurrentDictionary<string, long> _failures = new(StringComparer.Ordinal);
    private readonly LatencyHistogram _latency = new();
    private long _ok;
    private long _failed;

    public void Record(double milliseconds, string? failureClass)
    {
        _latency.Record((long)(Math.Max(0, milliseconds) * 1000));
        if (failureClass is null)
        {
            Interlocked.Increment(ref _ok);
        }
        else
        {
            Interlocked.Increment(ref _failed);
            _failures.AddOrUpdate(failureClass, 1, static (_, n) => n + 1);
        }
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
