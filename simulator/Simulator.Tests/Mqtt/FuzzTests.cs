using System.Buffers;
using System.Diagnostics;
using Simulator.Core.Mqtt;

namespace Simulator.Tests.Mqtt;

public sealed class FuzzTests
{
    private const int MaxPacket = 4096;

    private static byte[][] Seeds()
    {
        var w = new ArrayBufferWriter<byte>();
        new ConnectPacket { ClientId = "c", Username = "u?x=1", Password = [1, 2], KeepAliveSeconds = 30, WillTopic = "w", WillMessage = [9] }.Write(w);
        var list = new List<byte[]> { w.WrittenSpan.ToArray() };
        void Add(Action<ArrayBufferWriter<byte>> write)
        {
            var b = new ArrayBufferWriter<byte>();
            write(b);
            list.Add(b.WrittenSpan.ToArray());
        }

        Add(b => new ConnAckPacket(false, 0).Write(b));
        Add(b => PublishPacket.Write(b, "8988228066000000017/telemetry"u8, new byte[200], MqttQos.AtLeastOnce, 7));
        Add(b => PublishPacket.Write(b, "a/b"u8, "x"u8, MqttQos.AtMostOnce));
        Add(b => PacketIdPacket.Write(b, MqttPacketType.PubAck, 7));
        Add(b => PacketIdPacket.Write(b, MqttPacketType.PubRel, 7));
        Add(b => new SubscribePacket(3, [("a/+", MqttQos.AtLeastOnce), ("#", 0)]).Write(b));
        Add(b => new SubAckPacket(3, [1, 0x80]).Write(b));
        Add(b => new UnsubscribePacket(4, ["a/+"]).Write(b));
        Add(b => EmptyPacket.Write(b, MqttPacketType.PingReq));
        return [.. list];
    }

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
        var seeds = Seeds();
        var sw = Stopwatch.StartNew();
        long worstAllocation = 0;
        var decoded = 0;
        for (var i = 0; i < 100_000; i++)
        {
            byte[] input;
            if (i % 4 == 0)
            {
                input = new byte[rng.Next(0, 64)];
                rng.NextBytes(input);
            }
            else
            {
                input = (byte[])seeds[rng.Next(seeds.Length)].Clone();
                var mutations = rng.Next(1, 4);
                for (var m = 0; m < mutations && input.Length > 0; m++)
                {
                    switch (rng.Next(4))
                    {
                        case 0: input[rng.Next(input.Length)] ^= (byte)(1 << rng.Next(8)); break;
                        case 1: input[rng.Next(input.Length)] = (byte)rng.Next(256); break;
                        case 2: input = input[..rng.Next(input.Length)]; break;
                        default: input = [.. input, .. input[..rng.Next(input.Length)]]; break;
                    }
                }
            }

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
