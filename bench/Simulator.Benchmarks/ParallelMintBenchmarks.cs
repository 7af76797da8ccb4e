using BenchmarkDotNet.Attributes;
using Simulator.Core.Identity;
using Simulator.Core.Tokens;

namespace Simulator.Benchmarks;

/// <summary>
/// Mint throughput on 1, 2 and all cores, one minter (and signer) per thread as in a run.
/// Each invocation mints <see cref="PerThread"/> tokens per thread; ops/s is aggregate.
/// </summary>
[MemoryDiagnoser]
public class ParallelMintBenchmarks
{
    private const int PerThread = 1024;
    private DeviceTokenMinter[] _minters = null!;
    private byte[][] _buffers = null!;
    private long _now;

    public static IEnumerable<int> ThreadCounts => new[] { 1, 2, Environment.ProcessorCount }.Distinct();

    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var fleet = Fleet.Generate(new FleetSpec { Seed = 1, Count = Threads });
        _minters = [.. Enumerable.Range(0, Threads).Select(i => new DeviceTokenMinter(Es256Signer.Create(fleet.GetPrivateKey(i)), fleet[i].DeviceId, new DeviceTokenOptions()))];
        _buffers = [.. _minters.Select(m => new byte[m.MaxTokenLength])];
        _now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    }

    [Benchmark(OperationsPerInvoke = PerThread)]
    public void MintOnThreads()
    {
        // OperationsPerInvoke counts one thread's mints; the ops/s column is then per-thread
        // latency-based, so the aggregate is Threads × ops/s (the script reports both).
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            var minter = _minters[t];
            var buffer = _buffers[t];
            for (var i = 0; i < PerThread; i++)
            {
                minter.TryMint(buffer, _now, out _);
            }
        });
    }
}
