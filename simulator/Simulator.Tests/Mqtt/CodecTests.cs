using System.Buffers;
using System.Text;
using Simulator.Core.Mqtt;
using Simulator.Tests.Support;

namespace Simulator.Tests.Mqtt;

public sealed class CodecTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    private static byte[] Encode(Action<ArrayBufferWriter<byte>> write)
    {
        var w = new ArrayBufferWriter<byte>();
        write(w);
        return w.WrittenSpan.ToArray();
    }

    /// <summary>Reads the only packet in <paramref name="bytes"/>, split at every byte boundary, and checks "need more" on every prefix.</summary>
    private static void ForEverySplit(byte[] bytes, Action<MqttPacket> check)
    {
        for (var prefix = 0; prefix < bytes.Length; prefix++)
        {
            var partial = new ReadOnlySequence<byte>(bytes, 0, prefix);
            Assert.False(MqttFraming.TryRead(ref partial, MqttFraming.DefaultMaxPacketSize, out _));
            Assert.Equal(prefix, partial.Length); // nothing consumed
        }

        for (var at = 0; at <= bytes.Length; at++)
        {
            var seq = Segments.Split(bytes, at);
            Assert.True(MqttFraming.TryRead(ref seq, MqttFraming.DefaultMaxPacketSize, out var packet), $"split at {at}");
            Assert.True(seq.IsEmpty);
            check(packet);
        }
    }

    // §2.2.3 Table 2.4: the boundaries of each remaining-length size.
    [Theory]
    [InlineData(0, "00")]
    [InlineData(127, "7F")]
    [InlineData(128, "8001")]
    [InlineData(16_383, "FF7F")]
    [InlineData(16_384, "808001")]
    [InlineData(2_097_151, "FFFF7F")]
    [InlineData(2_097_152, "80808001")]
    [InlineData(268_435_455, "FFFFFF7F")]
    public void RemainingLengthMatchesTable24(int value, string hex)
    {
        Span<byte> span = stackalloc byte[5];
        var n = MqttFraming.WriteFixedHeader(span, MqttPacketType.Publish, 0, value);
        Assert.Equal("30" + hex, Convert.ToHexString(span[..n]));
        Assert.Equal(hex.Length / 2, MqttFraming.RemainingLengthSize(value));
    }

    [Fact]
    public void ConnectMatchesFigure36AndRoundTrips()
    {
        // §3.1.2.10 Figure 3.6: protocol name MQTT, level 4, flags 0xCE (user, password, will QoS 1, will, clean), keep alive 10.
        var packet = new ConnectPacket
        {
            ClientId = "dev1",
            CleanSession = true,
            KeepAliveSeconds = 10,
            Username = "u",
            Password = "p"u8.ToArray(),
            WillTopic = "w",
            WillMessage = "bye"u8.ToArray(),
            WillQos = MqttQos.AtLeastOnce,
        };
        var bytes = Encode(packet.Write);
        Assert.Equal(Hex("00 04 4D 51 54 54 04 CE 00 0A"), bytes.AsSpan(2, 10).ToArray());
        ForEverySplit(bytes, p =>
        {
            Assert.Equal(MqttPacketType.Connect, p.Type);
            var c = ConnectPacket.Read(p);
            Assert.Equal("dev1", c.ClientId);
            Assert.Equal(10, c.KeepAliveSeconds);
            Assert.Equal("u", c.Username);
            Assert.Equal("p"u8.ToArray(), c.Password);
            Assert.Equal("w", c.WillTopic);
            Assert.Equal(MqttQos.AtLeastOnce, c.WillQos);
            Assert.Equal(bytes, Encode(c.Write));
        });
    }

    [Fact]
    public void ConnAckIs20020000()
    {
        var bytes = Hex("20 02 01 05");
        Assert.Equal(bytes, Encode(new ConnAckPacket(true, ConnAckReturnCode.NotAuthorized).Write));
        ForEverySplit(bytes, p => Assert.Equal(new ConnAckPacket(true, ConnAckReturnCode.NotAuthorized), ConnAckPacket.Read(p)));
    }

    [Fact]
    public void PublishMatchesFigure311()
    {
        // §3.3.2.3 Figure 3.11: topic "a/b", packet identifier 10.
        var bytes = Encode(w => PublishPacket.Write(w, "a/b"u8, "hi"u8, MqttQos.AtLeastOnce, 10, retain: true));
        Assert.Equal(Hex("33 09 00 03 61 2F 62 00 0A 68 69"), bytes);
        ForEverySplit(bytes, p =>
        {
            var pub = PublishPacket.Read(p);
            Assert.Equal("a/b", Encoding.UTF8.GetString(pub.Topic));
            Assert.Equal("hi", Encoding.UTF8.GetString(pub.Payload));
            Assert.Equal(10, pub.PacketId);
            Assert.True(pub.Retain);
            Assert.Equal(MqttQos.AtLeastOnce, pub.Qos);
        });
        var qos0 = Encode(w => PublishPacket.Write(w, "a/b"u8, ReadOnlySpan<byte>.Empty, MqttQos.AtMostOnce));
        Assert.Equal(Hex("30 05 00 03 61 2F 62"), qos0);
    }

    [Theory]
    [InlineData(MqttPacketType.PubAck, "40 02 00 0A")]
    [InlineData(MqttPacketType.PubRec, "50 02 00 0A")]
    [InlineData(MqttPacketType.PubRel, "62 02 00 0A")]
    [InlineData(MqttPacketType.PubComp, "70 02 00 0A")]
    [InlineData(MqttPacketType.UnsubAck, "B0 02 00 0A")]
    public void PacketIdentifierPacketsMatchTheirFigures(MqttPacketType type, string hex)
    {
        var bytes = Hex(hex);
        Assert.Equal(bytes, Encode(w => PacketIdPacket.Write(w, type, 10)));
        ForEverySplit(bytes, p => Assert.Equal(new PacketIdPacket(type, 10), PacketIdPacket.Read(p)));
    }

    [Fact]
    public void SubscribeMatchesFigure322()
    {
        // §3.8.3.1 Figure 3.22: packet id 10, "a/b" QoS 1, "c/d" QoS 2.
        var bytes = Hex("82 0E 00 0A 00 03 61 2F 62 01 00 03 63 2F 64 02");
        Assert.Equal(bytes, Encode(new SubscribePacket(10, [("a/b", MqttQos.AtLeastOnce), ("c/d", MqttQos.ExactlyOnce)]).Write));
        ForEverySplit(bytes, p =>
        {
            var s = SubscribePacket.Read(p);
            Assert.Equal(10, s.PacketId);
            Assert.Equal([("a/b", MqttQos.AtLeastOnce), ("c/d", MqttQos.ExactlyOnce)], s.Subscriptions);
        });
    }

    [Fact]
    public void SubAckMatchesFigure326()
    {
        // §3.9.3 Figure 3.26: success QoS 0, success QoS 2, failure.
        var bytes = Hex("90 05 00 0A 00 02 80");
        Assert.Equal(bytes, Encode(new SubAckPacket(10, [0, 2, 0x80]).Write));
        ForEverySplit(bytes, p => Assert.Equal(new byte[] { 0, 2, 0x80 }, SubAckPacket.Read(p).ReturnCodes));
    }

    [Fact]
    public void UnsubscribeMatchesFigure330()
    {
        var bytes = Hex("A2 0C 00 0A 00 03 61 2F 62 00 03 63 2F 64");
        Assert.Equal(bytes, Encode(new UnsubscribePacket(10, ["a/b", "c/d"]).Write));
        ForEverySplit(bytes, p => Assert.Equal(["a/b", "c/d"], UnsubscribePacket.Read(p).Filters));
    }

    [Theory]
    [InlineData(MqttPacketType.PingReq, "C000")]
    [InlineData(MqttPacketType.PingResp, "D000")]
    [InlineData(MqttPacketType.Disconnect, "E000")]
    public void EmptyPackets(MqttPacketType type, string hex)
    {
        var bytes = Hex(hex);
        Assert.Equal(bytes, Encode(w => EmptyPacket.Write(w, type)));
        ForEverySplit(bytes, p =>
        {
            Assert.Equal(type, p.Type);
            EmptyPacket.Read(p);
        });
    }

    [Theory]
    [InlineData("30 FF FF FF FF 01", MqttErrorCode.MalformedRemainingLength, "[MQTT-2.2.3]")]
    [InlineData("30 FF FF FF 7F", MqttErrorCode.PacketTooLarge, "[MQTT-2.2.3]")] // 256 MB announced, 5 bytes sent
    [InlineData("00 00", MqttErrorCode.ReservedPacketType, "[MQTT-2.2.1]")]
    [InlineData("F0 00", MqttErrorCode.ReservedPacketType, "[MQTT-2.2.1]")]
    [InlineData("C1 00", MqttErrorCode.ReservedFlags, "[MQTT-2.2.2-1]")]
    [InlineData("80 05 00 0A 00 01 61", MqttErrorCode.ReservedFlags, "[MQTT-3.8.1-1]")]
    [InlineData("60 02 00 0A", MqttErrorCode.ReservedFlags, "[MQTT-3.6.1-1]")]
    public void FramingRejectsWithTheRuleBroken(string hex, MqttErrorCode code, string rule)
    {
        var seq = new ReadOnlySequence<byte>(Hex(hex));
        var e = Assert.Throws<MqttProtocolException>(() => MqttFraming.TryRead(ref seq, MqttFraming.DefaultMaxPacketSize, out _));
        Assert.Equal(code, e.Code);
        Assert.Equal(rule, e.Rule);
    }

    [Theory]
    [InlineData("30 05 00 03 61 2B 62", MqttErrorCode.WildcardInTopicName, "[MQTT-3.3.2-2]")] // "a+b"
    [InlineData("30 05 00 03 61 23 62", MqttErrorCode.WildcardInTopicName, "[MQTT-3.3.2-2]")]
    [InlineData("30 05 00 03 61 00 62", MqttErrorCode.NullCharacter, "[MQTT-1.5.3-2]")]
    [InlineData("30 05 00 03 61 C3 28", MqttErrorCode.InvalidUtf8, "[MQTT-1.5.3-1]")]
    [InlineData("30 04 00 03 61 2F", MqttErrorCode.MalformedPacket, "[MQTT-2.2.3]")]
    [InlineData("30 02 00 00", MqttErrorCode.EmptyTopic, "[MQTT-4.7.3-1]")]
    [InlineData("36 07 00 03 61 2F 62 00 01", MqttErrorCode.InvalidQos, "[MQTT-3.3.1-4]")]
    [InlineData("38 05 00 03 61 2F 62", MqttErrorCode.DupOnQos0, "[MQTT-3.3.1-2]")]
    [InlineData("32 07 00 03 61 2F 62 00 00", MqttErrorCode.ZeroPacketIdentifier, "[MQTT-2.3.1-1]")]
    public void PublishRejectsWithTheRuleBroken(string hex, MqttErrorCode code, string rule)
    {
        var seq = new ReadOnlySequence<byte>(Hex(hex));
        Assert.True(MqttFraming.TryRead(ref seq, MqttFraming.DefaultMaxPacketSize, out var p));
        var e = Assert.Throws<MqttProtocolException>(() => PublishPacket.Read(p));
        Assert.Equal(code, e.Code);
        Assert.Equal(rule, e.Rule);
    }

    [Theory]
    [InlineData("20 02 00 06", MqttErrorCode.UnknownConnAckCode)]
    [InlineData("20 02 02 00", MqttErrorCode.ReservedFlags)]
    [InlineData("20 03 00 00 00", MqttErrorCode.MalformedPacket)]
    public void ConnAckRejectsUnknownCodes(string hex, MqttErrorCode code)
    {
        var seq = new ReadOnlySequence<byte>(Hex(hex));
        Assert.True(MqttFraming.TryRead(ref seq, MqttFraming.DefaultMaxPacketSize, out var p));
        Assert.Equal(code, Assert.Throws<MqttProtocolException>(() => ConnAckPacket.Read(p)).Code);
    }

    [Theory]
    [InlineData("10 0C 00 04 4D 51 54 54 04 01 00 0A 00 00", MqttErrorCode.ReservedConnectFlag)]
    [InlineData("10 0C 00 04 4D 51 54 54 04 40 00 0A 00 00", MqttErrorCode.PasswordWithoutUsername)]
    [InlineData("10 0C 00 04 4D 51 54 54 04 08 00 0A 00 00", MqttErrorCode.InvalidWillFlags)]
    [InlineData("10 0C 00 04 4D 51 54 58 04 02 00 0A 00 00", MqttErrorCode.InvalidProtocolName)]
    [InlineData("10 0C 00 04 4D 51 54 54 03 02 00 0A 00 00", MqttErrorCode.UnsupportedProtocolLevel)]
    public void ConnectRejectsWithTheRuleBroken(string hex, MqttErrorCode code)
    {
        var seq = new ReadOnlySequence<byte>(Hex(hex));
        Assert.True(MqttFraming.TryRead(ref seq, MqttFraming.DefaultMaxPacketSize, out var p));
        Assert.Equal(code, Assert.Throws<MqttProtocolException>(() => ConnectPacket.Read(p)).Code);
    }

    [Theory]
    [InlineData("a/#", true)]
    [InlineData("a/+/c", true)]
    [InlineData("#", true)]
    [InlineData("a#", false)]
    [InlineData("a/#/c", false)]
    [InlineData("a+/b", false)]
    public void TopicFiltersFollowSection471(string filter, bool valid)
    {
        if (valid)
        {
            MqttTopic.ValidateTopicFilter(filter);
        }
        else
        {
            Assert.Equal(MqttErrorCode.InvalidTopicFilter, Assert.Throws<MqttProtocolException>(() => MqttTopic.ValidateTopicFilter(filter)).Code);
        }
    }

    [Theory]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1", true)]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1/ranking", true)]
    [InlineData("sport/#", "sport", true)]
    [InlineData("sport/tennis/+", "sport/tennis/player1", true)]
    [InlineData("sport/tennis/+", "sport/tennis/player1/ranking", false)]
    [InlineData("sport/+", "sport", false)]
    [InlineData("+/+", "/finance", true)]
    [InlineData("/+", "/finance", true)]
    [InlineData("+", "/finance", false)]
    [InlineData("#", "$SYS/x", false)]
    [InlineData("$SYS/#", "$SYS/x", true)]
    public void MatchingFollowsSection47Examples(string filter, string topic, bool matches)
    {
        Assert.Equal(matches, MqttTopic.Matches(filter, topic));
    }
}
