using System.Buffers;
using Simulator.Core.Mqtt;

namespace Simulator.Tests.Mqtt;

/// <summary>Well-formed packets of every kind, and the mutations fuzzing makes of them.</summary>
public static class MqttCorpus
{
    public static byte[][] Seeds(bool withLarge = false)
    {
        var list = new List<byte[]>();
        void Add(Action<ArrayBufferWriter<byte>> write)
        {
            var b = new ArrayBufferWriter<byte>();
            write(b);
            list.Add(b.WrittenSpan.ToArray());
        }

        Add(b => new ConnectPacket { ClientId = "c", Username = "u?x=1", Password = [1, 2], KeepAliveSeconds = 30, WillTopic = "w", WillMessage = [9] }.Write(b));
        Add(b => new ConnAckPacket(false, 0).Write(b));
        Add(b => PublishPacket.Write(b, "8988228066000000017/telemetry"u8, new byte[200], MqttQos.AtLeastOnce, 7));
        Add(b => PublishPacket.Write(b, "a/b"u8, "x"u8, MqttQos.AtMostOnce));
        Add(b => PacketIdPacket.Write(b, MqttPacketType.PubAck, 7));
        Add(b => PacketIdPacket.Write(b, MqttPacketType.PubRel, 7));
        Add(b => new SubscribePacket(3, [("a/+", MqttQos.AtLeastOnce), ("#", 0)]).Write(b));
        Add(b => new SubAckPacket(3, [1, 0x80]).Write(b));
        Add(b => new UnsubscribePacket(4, ["a/+"]).Write(b));
        Add(b => EmptyPacket.Write(b, MqttPacketType.PingReq));
        if (withLarge)
        {
            // Near AWS's 128 KB message limit: spans many pipe segments.
            var payload = new byte[120 * 1024];
            new Random(5).NextBytes(payload);
            Add(b => PublishPacket.Write(b, "8988228066000000017/big"u8, payload, MqttQos.AtLeastOnce, 9));
        }

        return [.. list];
    }

    /// <summary>Random bytes (one input in four) or a seed with one to three mutations.</summary>
    public static byte[] Mutant(Random rng, byte[][] seeds)
    {
        if (rng.Next(4) == 0)
        {
            var noise = new byte[rng.Next(0, 64)];
            rng.NextBytes(noise);
            return noise;
        }

        var input = (byte[])seeds[rng.Next(seeds.Length)].Clone();
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

        return input;
    }

    /// <summary>A stream of several inputs back to back, some intact, as a peer would send them.</summary>
    public static byte[] Stream(Random rng, byte[][] seeds, int parts)
    {
        var all = new List<byte>();
        for (var i = 0; i < parts; i++)
        {
            all.AddRange(rng.Next(3) == 0 ? Mutant(rng, seeds) : seeds[rng.Next(seeds.Length)]);
        }

        return [.. all];
    }

    /// <summary>Decodes one framed packet with the decoder for its type.</summary>
    public static string Decode(in MqttPacket p)
    {
        switch (p.Type)
        {
            case MqttPacketType.Connect: return "CONNECT " + ConnectPacket.Read(p).ClientId;
            case MqttPacketType.ConnAck: return "CONNACK " + ConnAckPacket.Read(p).ReturnCode;
            case MqttPacketType.Publish:
                var m = PublishPacket.Read(p);
                return $"PUBLISH {Convert.ToHexString(m.Topic.ToArray())} {m.Qos} {m.PacketId} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(m.Payload.ToArray()))}";
            case MqttPacketType.PubAck or MqttPacketType.PubRec or MqttPacketType.PubRel or MqttPacketType.PubComp or MqttPacketType.UnsubAck:
                return $"{p.Type} {PacketIdPacket.Read(p)}";
            case MqttPacketType.Subscribe: return "SUBSCRIBE " + SubscribePacket.Read(p).PacketId;
            case MqttPacketType.SubAck: return "SUBACK " + SubAckPacket.Read(p).PacketId;
            case MqttPacketType.Unsubscribe: return "UNSUBSCRIBE " + UnsubscribePacket.Read(p).PacketId;
            default:
                EmptyPacket.Read(p);
                return p.Type.ToString();
        }
    }
}
