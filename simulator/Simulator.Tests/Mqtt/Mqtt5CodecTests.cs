using System.Buffers;
using Simulator.Core.Mqtt;
using Simulator.Tests.Support;

namespace Simulator.Tests.Mqtt;

/// <summary>The MQTT 5.0 side of the codec: property sections (§2.2.2), variable byte integers (§1.5.5), reason codes (§2.4), and each packet's v5 form.</summary>
public sealed class Mqtt5CodecTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    private static byte[] Encode(Action<ArrayBufferWriter<byte>> write)
    {
        var w = new ArrayBufferWriter<byte>();
        write(w);
        return w.WrittenSpan.ToArray();
    }

    private static MqttPacket Frame(byte[] bytes, MqttVersion version = MqttVersion.V500)
    {
        var seq = new ReadOnlySequence<byte>(bytes);
        Assert.True(MqttFraming.TryRead(ref seq, MqttFraming.DefaultMaxPacketSize, version, out var packet));
        Assert.True(seq.IsEmpty);
        return packet;
    }

    private static MqttErrorCode Error(Action read) => Assert.Throws<MqttProtocolException>(read).Code;

    [Fact]
    public void ConnectWithAReceiveMaximumMatchesItsBytes()
    {
        // v5 §3.1.2: name, level 5, clean start, keep alive 60, properties (Receive Maximum 20), empty client id.
        var bytes = Encode(b => new ConnectPacket { ClientId = string.Empty, KeepAliveSeconds = 60, ProtocolLevel = 5, Properties = new MqttProperties { ReceiveMaximum = 20 } }.Write(b));
        Assert.Equal("10 10 00 04 4D 51 54 54 05 02 00 3C 03 21 00 14 00 00".Replace(" ", string.Empty, StringComparison.Ordinal), Convert.ToHexString(bytes));
        var back = ConnectPacket.Read(Frame(bytes));
        Assert.Equal(MqttVersion.V500, back.Version);
        Assert.Equal((ushort)20, back.Properties!.ReceiveMaximum);
    }

    [Fact]
    public void ConnectRoundTripsEveryPropertyAndTheWillsOwn()
    {
        var users = new List<MqttUserProperty> { new("fw", "2.0.1"), new("fw", "2.0.2"), new("ü", "ß") };
        var packet = new ConnectPacket
        {
            ClientId = "8988228066000000017",
            Username = "u?token=x",
            Password = [1, 2, 3],
            KeepAliveSeconds = 1200,
            CleanSession = false,
            WillTopic = "8988228066000000017/lwt",
            WillMessage = [9, 9],
            WillQos = MqttQos.AtLeastOnce,
            ProtocolLevel = 5,
            Properties = new MqttProperties { SessionExpiryInterval = 604_800, ReceiveMaximum = 100, MaximumPacketSize = 131_072, TopicAliasMaximum = 8, RequestResponseInformation = 1, RequestProblemInformation = 0, UserProperties = users },
            WillProperties = new MqttProperties { WillDelayInterval = 30, PayloadFormatIndicator = 1, MessageExpiryInterval = 3600, ContentType = "application/json", ResponseTopic = "r/1", CorrelationData = [0xCA, 0xFE] },
        };
        var back = ConnectPacket.Read(Frame(Encode(packet.Write)));
        Assert.Equal(packet.ClientId, back.ClientId);
        Assert.False(back.CleanSession);
        Assert.Equal(604_800u, back.Properties!.SessionExpiryInterval);
        Assert.Equal((ushort)8, back.Properties.TopicAliasMaximum);
        Assert.Equal(131_072u, back.Properties.MaximumPacketSize);
        Assert.Equal((byte)0, back.Properties.RequestProblemInformation);
        Assert.Equal(users, back.Properties.UserProperties!); // order and repeats kept
        Assert.Equal(30u, back.WillProperties!.WillDelayInterval);
        Assert.Equal("r/1", back.WillProperties.ResponseTopic);
        Assert.Equal(new byte[] { 0xCA, 0xFE }, back.WillProperties.CorrelationData);
        Assert.Equal(new byte[] { 9, 9 }, back.WillMessage);
    }

    [Fact]
    public void AV5PasswordNeedsNoUserName()
    {
        var bytes = Encode(new ConnectPacket { ClientId = "c", Password = [1], ProtocolLevel = 5 }.Write);
        Assert.Equal(new byte[] { 1 }, ConnectPacket.Read(Frame(bytes)).Password);
        var v311 = Encode(new ConnectPacket { ClientId = "c", Password = [1] }.Write);
        Assert.Equal(MqttErrorCode.PasswordWithoutUsername, Error(() => ConnectPacket.Read(Frame(v311, MqttVersion.V311))));
    }

    [Fact]
    public void ConnAckCarriesAReasonCodeAndTheServersLimits()
    {
        Assert.Equal(Hex("20 03 00 87 00"), Encode(ConnAckPacket.V5(false, MqttReasonCode.NotAuthorized).Write));
        var ok = ConnAckPacket.V5(true, MqttReasonCode.Success, new MqttProperties { ServerKeepAlive = 1200, TopicAliasMaximum = 8, MaximumQos = 1, SubscriptionIdentifierAvailable = 0, SessionExpiryInterval = 3600 });
        var back = ConnAckPacket.Read(Frame(Encode(ok.Write)), MqttVersion.V500);
        Assert.True(back.Accepted);
        Assert.True(back.SessionPresent);
        Assert.Equal((ushort)1200, back.Properties!.ServerKeepAlive);
        Assert.Equal((byte)0, back.Properties.SubscriptionIdentifierAvailable);

        // 0x05 is a 3.1.1 return code, not a CONNACK reason code (§3.2.2.2).
        Assert.Equal(MqttErrorCode.InvalidReasonCode, Error(() => ConnAckPacket.Read(Frame(Hex("20 03 00 05 00")), MqttVersion.V500)));
        Assert.Equal("ConnAck:NotAuthorized", MqttReasonCodes.FailureClass(MqttPacketType.ConnAck, ConnAckPacket.Read(Frame(Hex("20 03 00 87 00")), MqttVersion.V500).ReasonCode));
    }

    [Theory]
    [InlineData(1, "0B 01")]
    [InlineData(127, "0B 7F")]
    [InlineData(128, "0B 80 01")]
    [InlineData(16_383, "0B FF 7F")]
    [InlineData(16_384, "0B 80 80 01")]
    [InlineData(268_435_455, "0B FF FF FF 7F")]
    public void VariableByteIntegersMatchTheirEncoding(int value, string hex)
    {
        var p = new MqttProperties { SubscriptionIdentifiers = [value] };
        Assert.Equal(Hex(hex), p.Encode());
        var back = MqttProperties.Read(new ReadOnlySequence<byte>(p.Encode()), MqttPacketType.Subscribe);
        Assert.Equal([value], back.SubscriptionIdentifiers!);
    }

    [Theory]
    [InlineData("0B FF FF FF FF 01", MqttErrorCode.MalformedVariableByteInteger)] // five bytes (§1.5.5)
    [InlineData("0B 00", MqttErrorCode.InvalidPropertyValue)] // Subscription Identifier 0 (§3.8.2.1.2)
    [InlineData("7F 00", MqttErrorCode.UnknownProperty)]
    [InlineData("23 00 01", MqttErrorCode.PropertyNotAllowed)] // Topic Alias in SUBSCRIBE
    [InlineData("0B 01 0B 02", MqttErrorCode.DuplicateProperty)] // a Subscription Identifier twice in SUBSCRIBE
    [InlineData("0B", MqttErrorCode.MalformedPacket)] // cut short
    [InlineData("26 00 01 61 00 02 C3 28", MqttErrorCode.InvalidUtf8)] // a user property value that is not UTF-8
    public void BadPropertySectionsAreRefusedByRule(string hex, MqttErrorCode expected) =>
        Assert.Equal(expected, Error(() => MqttProperties.Read(new ReadOnlySequence<byte>(Hex(hex)), MqttPacketType.Subscribe)));

    [Theory]
    [InlineData("21 00 00", MqttErrorCode.InvalidPropertyValue)] // Receive Maximum 0 (§3.1.2.11.3)
    [InlineData("27 00 00 00 00", MqttErrorCode.InvalidPropertyValue)] // Maximum Packet Size 0 (§3.1.2.11.4)
    [InlineData("17 02", MqttErrorCode.InvalidPropertyValue)] // Request Problem Information 2 (§3.1.2.11.7)
    [InlineData("11 00 00 00 01 11 00 00 00 02", MqttErrorCode.DuplicateProperty)]
    [InlineData("12 00 01 61", MqttErrorCode.PropertyNotAllowed)] // Assigned Client Identifier is the server's
    public void BadConnectPropertiesAreRefusedByRule(string hex, MqttErrorCode expected) =>
        Assert.Equal(expected, Error(() => MqttProperties.Read(new ReadOnlySequence<byte>(Hex(hex)), MqttPacketType.Connect)));

    [Fact]
    public void UserPropertiesMayRepeatAndKeepTheirOrder()
    {
        var back = MqttProperties.Read(new ReadOnlySequence<byte>(Hex("26 00 01 61 00 01 31 26 00 01 61 00 01 32")), MqttPacketType.Connect);
        Assert.Equal([new MqttUserProperty("a", "1"), new MqttUserProperty("a", "2")], back.UserProperties!);
    }

    [Fact]
    public void PublishNamesItsTopicByAliasAndKeepsItsPropertiesUnparsed()
    {
        var properties = new MqttProperties { ContentType = "application/json", UserProperties = [new("imei", "352656100000001")] }.Encode();
        var first = Encode(b =>
        {
            PublishPacket.WriteHeaderV5(b, "a/b"u8, 2, MqttQos.AtLeastOnce, 7, 3, properties);
            b.Write("hi"u8);
        });
        var m = PublishPacket.Read(Frame(first), MqttVersion.V500);
        Assert.Equal("a/b"u8.ToArray(), m.Topic.ToArray());
        Assert.Equal((ushort)3, m.TopicAlias);
        Assert.Equal((ushort)7, m.PacketId);
        Assert.Equal("hi"u8.ToArray(), m.Payload.ToArray());
        var decoded = MqttProperties.Read(m.Properties, MqttPacketType.Publish);
        Assert.Equal((ushort)3, decoded.TopicAlias);
        Assert.Equal("application/json", decoded.ContentType);
        Assert.Equal(first.Length, PublishPacket.SizeV5(3, 2, MqttQos.AtLeastOnce, 3 + properties.Length));

        var aliasOnly = Encode(b =>
        {
            PublishPacket.WriteHeaderV5(b, default, 2, MqttQos.AtMostOnce, 0, 3, []);
            b.Write("hi"u8);
        });
        Assert.Equal(Hex("30 08 00 00 03 23 00 03 68 69"), aliasOnly);
        Assert.True(PublishPacket.Read(Frame(aliasOnly), MqttVersion.V500).Topic.IsEmpty);

        // An empty topic with no alias, an alias of 0, and an empty topic at level 4 are all refused.
        Assert.Equal(MqttErrorCode.EmptyTopic, Error(() => PublishPacket.Read(Frame(Hex("30 03 00 00 00")), MqttVersion.V500)));
        Assert.Equal(MqttErrorCode.InvalidPropertyValue, Error(() => PublishPacket.Read(Frame(Hex("30 06 00 00 03 23 00 00")), MqttVersion.V500)));
        Assert.Equal(MqttErrorCode.EmptyTopic, Error(() => PublishPacket.Read(Frame(aliasOnly, MqttVersion.V311))));
    }

    [Fact]
    public void AcksCarryReasonCodesOnlyWhereTheyMay()
    {
        Assert.Equal(Hex("40 03 00 07 87"), Encode(b => PacketIdPacket.Write(b, MqttPacketType.PubAck, 7, MqttReasonCode.NotAuthorized)));
        Assert.Equal(Hex("40 02 00 07"), Encode(b => PacketIdPacket.Write(b, MqttPacketType.PubAck, 7, MqttReasonCode.Success)));
        Assert.Equal(MqttReasonCode.QuotaExceeded, PacketIdPacket.Read(Frame(Hex("40 03 00 07 97")), MqttVersion.V500).ReasonCode);
        Assert.Equal(MqttReasonCode.NotAuthorized, PacketIdPacket.Read(Frame(Hex("40 08 00 07 87 04 1F 00 01 78")), MqttVersion.V500).ReasonCode);
        Assert.Equal(MqttErrorCode.InvalidReasonCode, Error(() => PacketIdPacket.Read(Frame(Hex("40 03 00 07 8E")), MqttVersion.V500)));
        Assert.Equal(MqttErrorCode.MalformedPacket, Error(() => PacketIdPacket.Read(Frame(Hex("40 03 00 07 87")), MqttVersion.V311)));

        var subAck = new SubAckPacket(5, [1, 0x87, 0x97]) { Version = MqttVersion.V500 };
        var back = SubAckPacket.Read(Frame(Encode(subAck.Write)), MqttVersion.V500);
        Assert.Equal(new byte[] { 1, 0x87, 0x97 }, back.ReturnCodes);
        Assert.Equal(MqttErrorCode.InvalidSubAckCode, Error(() => SubAckPacket.Read(Frame(Hex("90 04 00 05 01 87")), MqttVersion.V311)));
        Assert.Equal(MqttErrorCode.InvalidReasonCode, Error(() => SubAckPacket.Read(Frame(Hex("90 04 00 05 00 8E")), MqttVersion.V500)));

        var unsubAck = UnsubAckPacket.Read(Frame(Encode(new UnsubAckPacket(6, [0x00, 0x11]).Write)));
        Assert.Equal(new byte[] { 0x00, 0x11 }, unsubAck.ReasonCodes);
    }

    [Fact]
    public void SubscribeOptionsCarryTheQosAndRefuseReservedBits()
    {
        var bytes = Encode(new SubscribePacket(9, [("a/#", MqttQos.AtLeastOnce)]) { Version = MqttVersion.V500, Properties = new MqttProperties { UserProperties = [new("k", "v")] } }.Write);
        var back = SubscribePacket.Read(Frame(bytes), MqttVersion.V500);
        Assert.Equal(("a/#", MqttQos.AtLeastOnce), back.Subscriptions[0]);
        Assert.Equal("v", back.Properties!.UserProperties![0].Value);

        // No Local and Retain As Published are fine; bits 6-7 and retain handling 3 are not (§3.8.3.1).
        Assert.Equal(MqttQos.AtLeastOnce, SubscribePacket.Read(Frame(Hex("82 08 00 09 00 00 02 61 62 0D")), MqttVersion.V500).Subscriptions[0].Qos);
        Assert.Equal(MqttErrorCode.ReservedFlags, Error(() => SubscribePacket.Read(Frame(Hex("82 08 00 09 00 00 02 61 62 41")), MqttVersion.V500)));
        Assert.Equal(MqttErrorCode.ReservedFlags, Error(() => SubscribePacket.Read(Frame(Hex("82 08 00 09 00 00 02 61 62 31")), MqttVersion.V500)));
    }

    [Fact]
    public void DisconnectSaysWhyOrNothing()
    {
        Assert.Equal(Hex("E0 00"), Encode(new DisconnectPacket(MqttReasonCode.Success).Write));
        Assert.Equal(Hex("E0 01 8E"), Encode(new DisconnectPacket(MqttReasonCode.SessionTakenOver).Write));
        var withText = Encode(new DisconnectPacket(MqttReasonCode.KeepAliveTimeout) { Properties = new MqttProperties { ReasonString = "idle" } }.Write);
        var back = DisconnectPacket.Read(Frame(withText), MqttVersion.V500);
        Assert.Equal(MqttReasonCode.KeepAliveTimeout, back.ReasonCode);
        Assert.Equal("idle", back.Properties!.ReasonString);
        Assert.Equal(MqttReasonCode.Success, DisconnectPacket.Read(Frame(Hex("E0 00")), MqttVersion.V500).ReasonCode);
        Assert.Equal(MqttErrorCode.InvalidReasonCode, Error(() => DisconnectPacket.Read(Frame(Hex("E0 01 01")), MqttVersion.V500)));
        Assert.Equal(MqttErrorCode.MalformedPacket, Error(() => DisconnectPacket.Read(Frame(Hex("E0 01 8E")), MqttVersion.V311)));
    }

    [Fact]
    public void AuthIsAPacketAtLevelFiveAndReservedAtFour()
    {
        var auth = Hex("F0 00");
        Assert.Equal(MqttPacketType.Auth, Frame(auth).Type);
        var seq = new ReadOnlySequence<byte>(auth);
        Assert.Equal(MqttErrorCode.ReservedPacketType, Assert.Throws<MqttProtocolException>(() => MqttFraming.TryRead(ref seq, 1024, MqttVersion.V311, out _)).Code);
    }

    [Fact]
    public void EveryV5SeedFramesAndDecodesTheSameAtEverySplit()
    {
        foreach (var bytes in MqttCorpus.Seeds(version: MqttVersion.V500))
        {
            var whole = DecodeOrError(Frame(bytes));
            for (var at = 0; at <= bytes.Length; at++)
            {
                var seq = Segments.Split(bytes, at);
                Assert.True(MqttFraming.TryRead(ref seq, MqttFraming.DefaultMaxPacketSize, MqttVersion.V500, out var packet), $"split at {at}");
                Assert.Equal(whole, DecodeOrError(packet));
            }
        }
    }

    /// <summary>A 3.1.1 seed read at level 5 may be malformed (a CONNACK without properties); it must be so at every split alike.</summary>
    private static string DecodeOrError(in MqttPacket packet)
    {
        try
        {
            return MqttCorpus.Decode(packet, MqttVersion.V500);
        }
        catch (MqttProtocolException e)
        {
            return "invalid " + e.Code;
        }
    }
}
