using System.Buffers;
using Simulator.Core.Mqtt;

namespace Simulator.Tests.Mqtt;

/// <summary>Well-formed packets of every kind, and the mutations fuzzing makes of them.</summary>
internal static class MqttCorpus
{
    public static byte[][] Seeds(bool withLarge = false, MqttVersion version = MqttVersion.V311)
    {
        var list = new List<byte[]>();
        void Add(Action<ArrayBufferWriter<byte>> write)
        {
            var b = new ArrayBufferWriter<byte>();
            write(b);
            list.Add(b.WrittenSpan.ToArray());
        }

        if (version == MqttVersion.V500)
        {
            V5Seeds(Add);
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
            if (version == MqttVersion.V500)
            {
                Add(b =>
                {
                    PublishPacket.WriteHeaderV5(b, "8988228066000000017/big"u8, payload.Length, MqttQos.AtLeastOnce, 10, 2, new MqttProperties { ContentType = "application/octet-stream" }.Encode());
                    b.Write(payload);
                });
            }
        }

        return [.. list];
    }

    /// <summary>MQTT 5 packets with properties of every type: the same reader frames them, the v5 decoders check them.</summary>
    private static void V5Seeds(Action<Action<ArrayBufferWriter<byte>>> add)
    {
        var users = new List<MqttUserProperty> { new("fw", "2.0.1"), new("fw", "again") };
        add(b => new ConnectPacket
        {
            ClientId = "c5",
            Username = "u?x=1",
            Password = [1, 2],
            KeepAliveSeconds = 30,
            WillTopic = "w",
            WillMessage = [9],
            ProtocolLevel = 5,
            Properties = new MqttProperties { SessionExpiryInterval = 3600, ReceiveMaximum = 100, MaximumPacketSize = 131_072, TopicAliasMaximum = 0, UserProperties = users, AuthenticationMethod = "m", AuthenticationData = [7] },
            WillProperties = new MqttProperties { WillDelayInterval = 5, PayloadFormatIndicator = 1, MessageExpiryInterval = 60, ContentType = "text/plain", ResponseTopic = "r", CorrelationData = [1, 2, 3] },
        }.Write(b));
        add(b => ConnAckPacket.V5(false, MqttReasonCode.Success, new MqttProperties { SessionExpiryInterval = 3600, ServerKeepAlive = 1200, MaximumQos = 1, TopicAliasMaximum = 8, SubscriptionIdentifierAvailable = 0, MaximumPacketSize = 131_072, AssignedClientIdentifier = "a", ReasonString = "ok" }).Write(b));
        add(b => ConnAckPacket.V5(false, MqttReasonCode.NotAuthorized).Write(b));
        add(b =>
        {
            PublishPacket.WriteHeaderV5(b, "8988228066000000017/telemetry"u8, 3, MqttQos.AtLeastOnce, 8, 1, new MqttProperties { UserProperties = users, MessageExpiryInterval = 10 }.Encode());
            b.Write("abc"u8);
        });
        add(b =>
        {
            PublishPacket.WriteHeaderV5(b, default, 1, MqttQos.AtMostOnce, 0, 1, []);
            b.Write("x"u8);
        });
        add(b => PacketIdPacket.Write(b, MqttPacketType.PubAck, 8, MqttReasonCode.NotAuthorized));
        add(b => new SubscribePacket(5, [("a/+", MqttQos.AtLeastOnce)]) { Version = MqttVersion.V500, Properties = new MqttProperties { UserProperties = users } }.Write(b));
        add(b => new SubAckPacket(5, [1, 0x87]) { Version = MqttVersion.V500, Properties = new MqttProperties { ReasonString = "policy" } }.Write(b));
        add(b => new UnsubscribePacket(6, ["a/+"]) { Version = MqttVersion.V500 }.Write(b));
        add(b => new UnsubAckPacket(6, [0x00]).Write(b));
        add(b => new DisconnectPacket(MqttReasonCode.SessionTakenOver) { Properties = new MqttProperties { ReasonString = "taken over" } }.Write(b));
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
    public static string Decode(in MqttPacket p, MqttVersion version = MqttVersion.V311)
    {
        switch (p.Type)
        {
            case MqttPacketType.Connect: return "CONNECT " + ConnectPacket.Read(p).ClientId;
            case MqttPacketType.ConnAck:
                var ack = ConnAckPacket.Read(p, version);
                return $"CONNACK {ack.ReturnCode} {ack.ReasonCode} {ack.Properties?.EncodedLength()}";
            case MqttPacketType.Publish:
                var m = PublishPacket.Read(p, version);
                return $"PUBLISH {Convert.ToHexString(m.Topic.ToArray())} {m.Qos} {m.PacketId} {m.TopicAlias} {m.Properties.Length} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(m.Payload.ToArray()))}";
            case MqttPacketType.UnsubAck when version == MqttVersion.V500:
                return "UNSUBACK " + UnsubAckPacket.Read(p).PacketId;
            case MqttPacketType.PubAck or MqttPacketType.PubRec or MqttPacketType.PubRel or MqttPacketType.PubComp or MqttPacketType.UnsubAck:
                return $"{p.Type} {PacketIdPacket.Read(p, version)}";
            case MqttPacketType.Subscribe: return "SUBSCRIBE " + SubscribePacket.Read(p, version).PacketId;
            case MqttPacketType.SubAck: return "SUBACK " + SubAckPacket.Read(p, version).PacketId;
            case MqttPacketType.Unsubscribe: return "UNSUBSCRIBE " + UnsubscribePacket.Read(p, version).PacketId;
            case MqttPacketType.Disconnect: return "DISCONNECT " + DisconnectPacket.Read(p, version).ReasonCode;
            default:
                EmptyPacket.Read(p);
                return p.Type.ToString();
        }
    }
}
