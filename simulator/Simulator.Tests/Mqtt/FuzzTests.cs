using System.Buffers;
using System.Diagnostics;
using Simulator.Core.Mqtt;

namespace Simulator.Tests.Mqtt;

public sealed class FuzzTests
{
    private const int MaxPacket = 4096;

    /// <summary>Decodes whatever frames: only <see cref="MqttProtocolException"/> may escape.</summary>
    private static int Consume(ReadOnlySequence<byte> buffer, MqttVersion version)
    {
        var packets = 0;
        try
        {
            while (MqttFraming.TryRead(ref buffer, MaxPacket, version, out var p))
            {
                Assert.True(p.Body.Length <= MaxPacket);
                packets++;
                MqttCorpus.Decode(p, version);
            }
        }
        catch (MqttProtocolException)
        {
        }

        return packets;
    }

    [Theory]
    [InlineData(MqttVersion.V311)]
    [InlineData(MqttVersion.V500)]
    public void HundredThousandRandomAndMutatedPacketsNeverCrashHangOrOverAllocate(MqttVersion version)
    {
        var rng = new Random(20261122);
        var seeds = MqttCorpus.Seeds(version: version);
        var sw = Stopwatch.StartNew();
        long worstAllocation = 0;
        var decoded = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var input = MqttCorpus.Mutant(rng, seeds);
            var before = GC.GetAllocatedBytesForCurrentThread();
            decoded += Consume(new ReadOnlySequence<byte>(input), version);
            worstAllocation = Math.Max(worstAllocation, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(decoded > 10_000, $"only {decoded} packets decoded: the mutations are too destructive to exercise the decoders");
        // Exceptions and decoded strings allocate, but never in proportion to an announced length.
        Assert.True(worstAllocation < MaxPacket * 4, $"one input allocated {worstAllocation} bytes");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60), "fuzzing took too long: something loops");
    }
}
