using System.Buffers;
using System.Text;

namespace Simulator.Core.Mqtt;

/// <summary>
/// CONNECT, MQTT 3.1.1 §3.1 and MQTT 5.0 §3.1.
/// <code>
/// variable header: 00 04 'M' 'Q' 'T' 'T' | level 4 or 5 | flags | keep alive (2) | [v5: properties]
/// flags: 7 username | 6 password | 5 will retain | 4-3 will QoS | 2 will | 1 clean session (v5: clean start) | 0 reserved
/// payload: client id | [[v5: will properties] | will topic | will message] | [username] | [password]
/// </code>
/// </summary>
internal sealed class ConnectPacket
{
    public required string ClientId { get; init; }

    public bool CleanSession { get; init; } = true;

    public ushort KeepAliveSeconds { get; init; }

    public string? Username { get; init; }

    public byte[]? Password { get; init; }

    public string? WillTopic { get; init; }

    public byte[]? WillMessage { get; init; }

    public MqttQos WillQos { get; init; }

    public bool WillRetain { get; init; }

    /// <summary>The protocol level sent; a server answers other levels with CONNACK 1 (§3.1.2.2).</summary>
    public byte ProtocolLevel { get; init; } = 4;

    public MqttVersion Version => ProtocolLevel == 5 ? MqttVersion.V500 : MqttVersion.V311;

    /// <summary>v5 §3.1.2.11; ignored at level 4.</summary>
    public MqttProperties? Properties { get; init; }

    /// <summary>v5 §3.1.3.2; ignored at level 4.</summary>
    public MqttProperties? WillProperties { get; init; }

    public static ConnectPacket Read(in MqttPacket packet)
    {
        var r = new MqttBodyReader(packet.Body, MqttPacketType.Connect);
        var name = r.ReadLengthPrefixed();
        Span<byte> nameBytes = stackalloc byte[4];
        if (name.Length != 4 || !CopyEquals(name, nameBytes, "MQTT"u8))
        {
            MqttProtocolException.Throw(MqttErrorCode.InvalidProtocolName, "[MQTT-3.1.2-1]", "protocol name is not \"MQTT\"");
        }

        var level = r.ReadByte();
        if (level is not (4 or 5))
        {
            throw new MqttProtocolException(MqttErrorCode.UnsupportedProtocolLevel, "[MQTT-3.1.2-2]", $"protocol level {level} is neither 4 (3.1.1) nor 5 (5.0)");
        }

        var v5 = level == 5;

        var flags = r.ReadByte();
        if ((flags & 0x01) != 0)
        {
            MqttProtocolException.Throw(MqttErrorCode.ReservedConnectFlag, "[MQTT-3.1.2-3]", "reserved connect flag is set");
        }

        var will = (flags & 0x04) != 0;
        var willQos = (MqttQos)((flags >> 3) & 0x03);
        var willRetain = (flags & 0x20) != 0;
        if (!will && (willQos != 0 || willRetain))
        {
            MqttProtocolException.Throw(MqttErrorCode.InvalidWillFlags, "[MQTT-3.1.2-13]", "will QoS or retain set without the will flag");
        }

        if (willQos == (MqttQos)3)
        {
            MqttProtocolException.Throw(MqttErrorCode.InvalidQos, "[MQTT-3.1.2-14]", "will QoS 3 is invalid");
        }

        var hasUser = (flags & 0x80) != 0;
        var hasPassword = (flags & 0x40) != 0;
        if (hasPassword && !hasUser && !v5) // v5 §3.1.2.9 allows a password alone
        {
            MqttProtocolException.Throw(MqttErrorCode.PasswordWithoutUsername, "[MQTT-3.1.2-22]", "password flag set without the username flag");
        }

        var keepAlive = r.ReadUInt16();
        var properties = v5 ? MqttProperties.Read(r.ReadPropertySection(), MqttPacketType.Connect) : null;
        var clientId = r.ReadString();
        string? willTopic = null;
        byte[]? willMessage = null;
        MqttProperties? willProperties = null;
        if (will)
        {
            willProperties = v5 ? MqttProperties.Read(r.ReadPropertySection(), MqttPacketType.Connect, will: true) : null;
            willTopic = r.ReadString();
            willMessage = r.ReadLengthPrefixed().ToArray();
        }

        var username = hasUser ? r.ReadString() : null;
        var password = hasPassword ? r.ReadLengthPrefixed().ToArray() : null;
        r.ExpectEnd();
        return new ConnectPacket
        {
            ClientId = clientId,
            CleanSession = (flags & 0x02) != 0,
            KeepAliveSeconds = keepAlive,
            Username = username,
            Password = password,
            WillTopic = willTopic,
            WillMessage = willMessage,
            WillQos = willQos,
            WillRetain = willRetain,
            ProtocolLevel = level,
            Properties = properties,
            WillProperties = willProperties,
        };
    }

    public void Write(IBufferWriter<byte> writer)
    {
        var clientId = Encoding.UTF8.GetBytes(ClientId);
        var user = Username is null ? null : Encoding.UTF8.GetBytes(Username);
        var willTopic = WillTopic is null ? null : Encoding.UTF8.GetBytes(WillTopic);
        foreach (var (field, length) in new[] { ("client id", clientId.Length), ("username", user?.Length ?? 0), ("password", Password?.Length ?? 0), ("will topic", willTopic?.Length ?? 0), ("will message", WillMessage?.Length ?? 0) })
        {
            if (length > ushort.MaxValue)
            {
                throw new ArgumentException($"the CONNECT {field} is {length} bytes; MQTT fields hold at most 65535 (§1.5.3)");
            }
        }

        var v5 = ProtocolLevel == 5;
        var remaining = 10 + 2 + clientId.Length
            + (v5 ? MqttProperties.SectionSize(Properties) : 0)
            + (willTopic is null ? 0 : 4 + willTopic.Length + (WillMessage?.Length ?? 0) + (v5 ? MqttProperties.SectionSize(WillProperties) : 0))
            + (user is null ? 0 : 2 + user.Length)
            + (Password is null ? 0 : 2 + Password.Length);
        byte flags = 0;
        if (user is not null)
        {
            flags |= 0x80;
        }

        if (Password is not null)
        {
            flags |= 0x40;
        }

        if (willTopic is not null)
        {
            flags |= (byte)(0x04 | ((byte)WillQos << 3) | (WillRetain ? 0x20 : 0));
        }

        if (CleanSession)
        {
            flags |= 0x02;
        }

        var total = 1 + MqttFraming.RemainingLengthSize(remaining) + remaining;
        var w = new MqttBodyWriter(writer.GetSpan(total));
        w.Header(MqttPacketType.Connect, 0, remaining);
        w.LengthPrefixed("MQTT"u8);
        w.Byte(ProtocolLevel);
        w.Byte(flags);
        w.UInt16(KeepAliveSeconds);
        if (v5)
        {
            MqttProperties.WriteSection(ref w, Properties);
        }

        w.LengthPrefixed(clientId);
        if (willTopic is not null)
        {
            if (v5)
            {
                MqttProperties.WriteSection(ref w, WillProperties);
            }

            w.LengthPrefixed(willTopic);
            w.LengthPrefixed(WillMessage ?? []);
        }

        if (user is not null)
        {
            w.LengthPrefixed(user);
        }

        if (Password is not null)
        {
            w.LengthPrefixed(Password);
        }

        writer.Advance(w.Position);
    }

    private static bool CopyEquals(in ReadOnlySequence<byte> value, Span<byte> scratch, ReadOnlySpan<byte> expected)
    {
        value.CopyTo(scratch);
        return scratch.SequenceEqual(expected);
    }

    /// <summary>Never prints the username's query string or the password: they carry tokens.</summary>
    public override string ToString() => $"CONNECT v{(ProtocolLevel == 5 ? "5" : "3.1.1")} client={ClientId} clean={CleanSession} keepAlive={KeepAliveSeconds} user={(Username is null ? "none" : "<set>")} password={(Password is null ? "none" : "<set>")}";
}
