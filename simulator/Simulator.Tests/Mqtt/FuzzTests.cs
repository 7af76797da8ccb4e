using System.Buffers;
using System.Diagnostics;
using Simulator.Core.Mqtt;

namespace Simulator.Tests.Mqtt;

public sealed class FuzzTests
{
    private const int MaxPacket = 4096;

    /// <summary>Decodes whatever frames: only <see cref="MqttProtocolException"/> may escape.</summary>
    private static int Consume(ReadOnlySequence<byte> buffer)
    {
        var packets = 0;
        try
        {
            while (MqttFraming.TryRead(ref buffer, MaxPacket, out var p))
            {
                Assert.True(p.Body.Length <= MaxPacket);
                packets++;
                switch (p.Type)
                {
                    case MqttPacketType.Connect: ConnectPacket.Read(p); break;
                    case MqttPacketType.ConnAck: ConnAckPacket.Read(p); break;
                    case MqttPacketType.Publish: PublishPacket.Read(p); break;
                    case MqttPacketType.PubAck or MqttPacketType.PubRec or MqttPacketType.PubRel or MqttPacketType.PubComp or MqttPacketType.UnsubAck: PacketIdPacket.Read(p); break;
                    case MqttPacketType.Subscribe: SubscribePacket.Read(p); break;
                    case MqttPacketType.SubAck: SubAckPacket.Read(p); break;
                    case MqttPacketType.Unsubscribe: UnsubscribePacket.Read(p); break;
                    default: EmptyPacket.Read(p); break;
                }
            }
        }
        catch (MqttProtocolException)
        {
        }

        return packets;
    }

    [Fact]
    public void HundredThousandRandomAndMutatedPacketsNeverCrashHangOrOverAllocate()
    {
        var rng = new Random(20261122);
        var seeds = MqttCorpus.Seeds();
        var sw = Stopwatch.StartNew();
        long worstAllocation = 0;
        var decoded = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var input = MqttCorpus.Mutant(rng, seeds);
            var before = GC.GetAllocatedBytesForCurrentThread();
            decoded += Consume(new ReadOnlySequence<byte>(input));
            worstAllocation = Math.Max(worstAllocation, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(decoded > 10_000, $"only {decoded} packets decoded: the mutations are too destructive to exercise the decoders");
        // Exceptions and decoded strings allocate, but never in proportion to an announced length.
        Assert.True(worstAllocation < MaxPacket * 4, $"one input allocated {worstAllocation} bytes");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60), "fuzzing took too long: something loops");
    }
}
