using BenchmarkDotNet.Attributes;
using HdrHistogram;
using Simulator.Core.Histograms;
using Simulator.Core.Metrics;

namespace Simulator.Benchmarks;

/// <summary>
/// HdrHistogram replaced our own log-linear histogram after measuring
/// cheaper in record cost and memory (results/baselines/histogram-2026-11-24). This keeps the cost
/// of what we added on top in view: <see cref="LatencyHistogram"/> (HdrHistogram's concurrent form
/// at 2 digits plus the exact min and max) against the bare HdrHistogram it wraps, and the 3-digit
/// and single-writer forms for reference. Same 1,000 connect-like latencies (µs, log-spread from
/// 100 µs to 10 s), all over 1 µs to 1 hour. Footprints are printed by the setup.
/// </summary>
[MemoryDiagnoser]
public class HistogramBenchmarks
{
    private const long Hour = LatencyHistogram.HighestTrackable;
    private long[] _values = [];
    private LatencyHistogram _ours = new();
    private LongConcurrentHistogram _hdrConcurrent2 = new(1, Hour, 2);
    private LongConcurrentHistogram _hdrConcurrent3 = new(1, Hour, 3);
    private LongHistogram _hdr3 = new(Hour, 3);

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _values = [.. Enumerable.Range(0, 1000).Select(_ => (long)(100 * Math.Pow(100_000, rng.NextDouble())))];
        Console.WriteLine($"// footprint bytes: LatencyHistogram {_ours.FootprintBytes}, HdrHistogram concurrent 2 digits {_hdrConcurrent2.GetEstimatedFootprintInBytes()}, 3 digits {_hdrConcurrent3.GetEstimatedFootprintInBytes()}, LongHistogram 3 digits {_hdr3.GetEstimatedFootprintInBytes()}");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 1000)]
    public void HdrConcurrent2Digits()
    {
        foreach (var v in _values)
        {
            _hdrConcurrent2.RecordValue(v);
        }
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public void LatencyHistogramRecord()
    {
        foreach (var v in _values)
        {
            _ours.Record(v);
        }
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public void HdrConcurrent3Digits()
    {
        foreach (var v in _values)
        {
            _hdrConcurrent3.RecordValue(v);
        }
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public void HdrSingleWriter3Digits()
    {
        foreach (var v in _values)
        {
            _hdr3.RecordValue(v);
        }
    }
}
