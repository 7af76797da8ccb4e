using BenchmarkDotNet.Attributes;
using HdrHistogram;
using Simulator.Core.Metrics;

namespace Simulator.Benchmarks;

/// <summary>
/// Issue "beyond one machine": use HdrHistogram if it measures no worse than our histogram on
/// record cost and memory. Same 1,000 connect-like latencies (µs, log-spread from 100 µs to 10 s)
/// recorded into ours (lock-free, what devices share), HdrHistogram's LongConcurrentHistogram (its
/// thread-safe form, the fair comparison) and LongHistogram (single-writer, for reference). Both
/// trackable ranges cover 1 µs to 1 hour; HdrHistogram at 2 significant digits (1 % resolution, ours
/// is 0.8 %) and at 3. Footprints are printed by the setup.
/// </summary>
public class HistogramBenchmarks
{
    private const long Hour = 3_600_000_000L;
    private long[] _values = [];
    private LogLinearHistogram _ours = new();
    private LongConcurrentHistogram _hdrConcurrent2 = new(1, Hour, 2);
    private LongConcurrentHistogram _hdrConcurrent3 = new(1, Hour, 3);
    private LongHistogram _hdr3 = new(Hour, 3);

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _values = [.. Enumerable.Range(0, 1000).Select(_ => (long)(100 * Math.Pow(100_000, rng.NextDouble())))];
        Console.WriteLine($"// footprint bytes: ours {LogLinearHistogram.FootprintBytes}, HdrHistogram concurrent 2 digits {_hdrConcurrent2.GetEstimatedFootprintInBytes()}, 3 digits {_hdrConcurrent3.GetEstimatedFootprintInBytes()}, LongHistogram 3 digits {_hdr3.GetEstimatedFootprintInBytes()}");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 1000)]
    public void Ours()
    {
        foreach (var v in _values)
        {
            _ours.Record(v);
        }
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public void HdrConcurrent2Digits()
    {
        foreach (var v in _values)
        {
            _hdrConcurrent2.RecordValue(v);
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
