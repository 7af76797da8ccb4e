using System.Buffers;
using System.Text;

namespace Simulator.Core.Mqtt;

/// <summary>
/// The properties of one MQTT 5.0 packet (§2.2.2), decoded: for CONNECT, CONNACK, SUBSCRIBE,
/// DISCONNECT and the other packets that are not on the publish path. Null means absent; the
/// spec's default applies then. Writing emits them in identifier order.
/// </summary>
internal sealed class MqttProperties
{
    public byte? PayloadFormatIndicator { get; set; }

    public uint? MessageExpiryInterval { get; set; }

    public string? ContentType { get; set; }

    public string? ResponseTopic { get; set; }

    public byte[]? CorrelationData { get; set; }

    public List<int>? SubscriptionIdentifiers { get; set; }

    public uint? SessionExpiryInterval { get; set; }

    public string? AssignedClientIdentifier { get; set; }

    public ushort? ServerKeepAlive { get; set; }

    public string? AuthenticationMethod { get; set; }

    public byte[]? AuthenticationData { get; set; }

    public byte? RequestProblemInformation { get; set; }

    public uint? WillDelayInterval { get; set; }

    public byte? RequestResponseInformation { get; set; }

    public string? ResponseInformation { get; set; }

    public string? ServerReference { get; set; }

    public string? ReasonString { get; set; }

    public ushort? ReceiveMaximum { get; set; }

    public ushort? TopicAliasMaximum { get; set; }

    public ushort? TopicAlias { get; set; }

    public byte? MaximumQos { get; set; }

    public byte? RetainAvailable { get; set; }

    public List<MqttUserProperty>? UserProperties { get; set; }

    public uint? MaximumPacketSize { get; set; }

    public byte? WildcardSubscriptionAvailable { get; set; }

    public byte? SubscriptionIdentifierAvailable { get; set; }

    public byte? SharedSubscriptionAvailable { get; set; }

    public bool IsEmpty => EncodedLength() == 0;

    /// <summary>Decodes a property section, checked for the packet that carries it.</summary>
    public static MqttProperties Read(in ReadOnlySequence<byte> section, MqttPacketType packet, bool will = false)
    {
        var p = new MqttProperties();
        var r = new MqttPropertyReader(section, packet, will);
        while (r.MoveNext())
        {
            var n = r.Number;
            switch (r.Id)
            {
                case MqttPropertyId.PayloadFormatIndicator: p.PayloadFormatIndicator = (byte)n; break;
                case MqttPropertyId.MessageExpiryInterval: p.MessageExpiryInterval = n; break;
                case MqttPropertyId.ContentType: p.ContentType = Encoding.UTF8.GetString(r.Bytes); break;
                case MqttPropertyId.ResponseTopic: p.ResponseTopic = Encoding.UTF8.GetString(r.Bytes); break;
                case MqttPropertyId.CorrelationData: p.CorrelationData = r.Bytes.ToArray(); break;
                case MqttPropertyId.SubscriptionIdentifier: (p.SubscriptionIdentifiers ??= []).Add((int)n); break;
                case MqttPropertyId.SessionExpiryInterval: p.SessionExpiryInterval = n; break;
                case MqttPropertyId.AssignedClientIdentifier: p.AssignedClientIdentifier = Encoding.UTF8.GetString(r.Bytes); break;
                case MqttPropertyId.ServerKeepAlive: p.ServerKeepAlive = (ushort)n; break;
                case MqttPropertyId.AuthenticationMethod: p.AuthenticationMethod = Encoding.UTF8.GetString(r.Bytes); break;
                case MqttPropertyId.AuthenticationData: p.AuthenticationData = r.Bytes.ToArray(); break;
                case MqttPropertyId.RequestProblemInformation: p.RequestProblemInformation = (byte)n; break;
                case MqttPropertyId.WillDelayInterval: p.WillDelayInterval = n; break;
                case MqttPropertyId.RequestResponseInformation: p.RequestResponseInformation = (byte)n; break;
                case MqttPropertyId.ResponseInformation: p.ResponseInformation = Encoding.UTF8.GetString(r.Bytes); break;
                case MqttPropertyId.ServerReference: p.ServerReference = Encoding.UTF8.GetString(r.Bytes); break;
                case MqttPropertyId.ReasonString: p.ReasonString = Encoding.UTF8.GetString(r.Bytes); break;
                case MqttPropertyId.ReceiveMaximum: p.ReceiveMaximum = (ushort)n; break;
                case MqttPropertyId.TopicAliasMaximum: p.TopicAliasMaximum = (ushort)n; break;
                case MqttPropertyId.TopicAlias: p.TopicAlias = (ushort)n; break;
                case MqttPropertyId.MaximumQos: p.MaximumQos = (byte)n; break;
                case MqttPropertyId.RetainAvailable: p.RetainAvailable = (byte)n; break;
                case MqttPropertyId.UserProperty: (p.UserProperties ??= []).Add(new MqttUserProperty(Encoding.UTF8.GetString(r.Bytes), Encoding.UTF8.GetString(r.Value))); break;
                case MqttPropertyId.MaximumPacketSize: p.MaximumPacketSize = n; break;
                case MqttPropertyId.WildcardSubscriptionAvailable: p.WildcardSubscriptionAvailable = (byte)n; break;
                case MqttPropertyId.SubscriptionIdentifierAvailable: p.SubscriptionIdentifierAvailable = (byte)n; break;
                default: p.SharedSubscriptionAvailable = (byte)n; break;
            }
        }

        return p;
    }

    /// <summary>Checks a property section without keeping anything (for PUBACK and the like on the hot path).</summary>
    public static void Validate(in ReadOnlySequence<byte> section, MqttPacketType packet)
    {
        var r = new MqttPropertyReader(section, packet);
        while (r.MoveNext())
        {
        }
    }

    /// <summary>The bytes the properties take, without the length in front of them.</summary>
    public int EncodedLength()
    {
        var n = 0;
        n += PayloadFormatIndicator is null ? 0 : 2;
        n += MessageExpiryInterval is null ? 0 : 5;
        n += Str(ContentType) + Str(ResponseTopic) + Bin(CorrelationData);
        foreach (var id in SubscriptionIdentifiers ?? [])
        {
            n += 1 + MqttFraming.RemainingLengthSize(id);
        }

        n += SessionExpiryInterval is null ? 0 : 5;
        n += Str(AssignedClientIdentifier);
        n += ServerKeepAlive is null ? 0 : 3;
        n += Str(AuthenticationMethod) + Bin(AuthenticationData);
        n += RequestProblemInformation is null ? 0 : 2;
        n += WillDelayInterval is null ? 0 : 5;
        n += RequestResponseInformation is null ? 0 : 2;
        n += Str(ResponseInformation) + Str(ServerReference) + Str(ReasonString);
        n += ReceiveMaximum is null ? 0 : 3;
        n += TopicAliasMaximum is null ? 0 : 3;
        n += TopicAlias is null ? 0 : 3;
        n += MaximumQos is null ? 0 : 2;
        n += RetainAvailable is null ? 0 : 2;
        foreach (var u in UserProperties ?? [])
        {
            n += 1 + 2 + Encoding.UTF8.GetByteCount(u.Name) + 2 + Encoding.UTF8.GetByteCount(u.Value);
        }

        n += MaximumPacketSize is null ? 0 : 5;
        n += WildcardSubscriptionAvailable is null ? 0 : 2;
        n += SubscriptionIdentifierAvailable is null ? 0 : 2;
        n += SharedSubscriptionAvailable is null ? 0 : 2;
        return n;
    }

    /// <summary>The bytes of the whole section: its variable byte integer length and the properties.</summary>
    public static int SectionSize(MqttProperties? properties)
    {
        var length = properties?.EncodedLength() ?? 0;
        return MqttFraming.RemainingLengthSize(length) + length;
    }

    /// <summary>The section as bytes: encoded once and reused, e.g. the properties every PUBLISH of a device carries.</summary>
    public byte[] Encode()
    {
        var bytes = new byte[EncodedLength()];
        var w = new MqttBodyWriter(bytes);
        WriteProperties(ref w);
        return bytes;
    }

    internal static void WriteSection(ref MqttBodyWriter w, MqttProperties? properties)
    {
        var length = properties?.EncodedLength() ?? 0;
        w.VariableByteInteger(length);
        properties?.WriteProperties(ref w);
    }

    private void WriteProperties(ref MqttBodyWriter w)
    {
        Byte(ref w, MqttPropertyId.PayloadFormatIndicator, PayloadFormatIndicator);
        Four(ref w, MqttPropertyId.MessageExpiryInterval, MessageExpiryInterval);
        Text(ref w, MqttPropertyId.ContentType, ContentType);
        Text(ref w, MqttPropertyId.ResponseTopic, ResponseTopic);
        Binary(ref w, MqttPropertyId.CorrelationData, CorrelationData);
        foreach (var id in SubscriptionIdentifiers ?? [])
        {
            w.Byte((byte)MqttPropertyId.SubscriptionIdentifier);
            w.VariableByteInteger(id);
        }

        Four(ref w, MqttPropertyId.SessionExpiryInterval, SessionExpiryInterval);
        Text(ref w, MqttPropertyId.AssignedClientIdentifier, AssignedClientIdentifier);
        Two(ref w, MqttPropertyId.ServerKeepAlive, ServerKeepAlive);
        Text(ref w, MqttPropertyId.AuthenticationMethod, AuthenticationMethod);
        Binary(ref w, MqttPropertyId.AuthenticationData, AuthenticationData);
        Byte(ref w, MqttPropertyId.RequestProblemInformation, RequestProblemInformation);
        Four(ref w, MqttPropertyId.WillDelayInterval, WillDelayInterval);
        Byte(ref w, MqttPropertyId.RequestResponseInformation, RequestResponseInformation);
        Text(ref w, MqttPropertyId.ResponseInformation, ResponseInformation);
        Text(ref w, MqttPropertyId.ServerReference, ServerReference);
        Text(ref w, MqttPropertyId.ReasonString, ReasonString);
        Two(ref w, MqttPropertyId.ReceiveMaximum, ReceiveMaximum);
        Two(ref w, MqttPropertyId.TopicAliasMaximum, TopicAliasMaximum);
        Two(ref w, MqttPropertyId.TopicAlias, TopicAlias);
        Byte(ref w, MqttPropertyId.MaximumQos, MaximumQos);
        Byte(ref w, MqttPropertyId.RetainAvailable, RetainAvailable);
        foreach (var u in UserProperties ?? [])
        {
            w.Byte((byte)MqttPropertyId.UserProperty);
            w.LengthPrefixed(Encoding.UTF8.GetBytes(u.Name));
            w.LengthPrefixed(Encoding.UTF8.GetBytes(u.Value));
        }

        Four(ref w, MqttPropertyId.MaximumPacketSize, MaximumPacketSize);
        Byte(ref w, MqttPropertyId.WildcardSubscriptionAvailable, WildcardSubscriptionAvailable);
        Byte(ref w, MqttPropertyId.SubscriptionIdentifierAvailable, SubscriptionIdentifierAvailable);
        Byte(ref w, MqttPropertyId.SharedSubscriptionAvailable, SharedSubscriptionAvailable);
    }

    private static int Str(string? s) => s is null ? 0 : 3 + Encoding.UTF8.GetByteCount(s);

    private static int Bin(byte[]? b) => b is null ? 0 : 3 + b.Length;

    private static void Byte(ref MqttBodyWriter w, MqttPropertyId id, byte? v)
    {
        if (v is { } value)
        {
            w.Byte((byte)id);
            w.Byte(value);
        }
    }

    private static void Two(ref MqttBodyWriter w, MqttPropertyId id, ushort? v)
    {
        if (v is { } value)
        {
            w.Byte((byte)id);
            w.UInt16(value);
        }
    }

    private static void Four(ref MqttBodyWriter w, MqttPropertyId id, uint? v)
    {
        if (v is { } value)
        {
            w.Byte((byte)id);
            w.UInt32(value);
        }
    }

    private static void Text(ref MqttBodyWriter w, MqttPropertyId id, string? v)
    {
        if (v is not null)
        {
            w.Byte((byte)id);
            w.LengthPrefixed(Encoding.UTF8.GetBytes(v));
        }
    }

    private static void Binary(ref MqttBodyWriter w, MqttPropertyId id, byte[]? v)
    {
        if (v is not null)
        {
            w.Byte((byte)id);
            w.LengthPrefixed(v);
        }
    }
}
