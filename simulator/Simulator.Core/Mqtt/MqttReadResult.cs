namespace Simulator.Core.Mqtt;

/// <summary>One read of <see cref="MqttProtocolReader"/>: a whole packet, or the end of the stream.</summary>
internal readonly struct MqttReadResult
{
    public MqttReadResult(MqttPacket packet)
    {
        Packet = packet;
    }

    private MqttReadResult(long trailingBytes)
    {
        IsCompleted = true;
        TrailingBytes = trailingBytes;
    }

    public MqttPacket Packet { get; }

    /// <summary>The peer ended the stream; <see cref="Packet"/> is empty.</summary>
    public bool IsCompleted { get; }

    /// <summary>Bytes of an unfinished packet the peer left when it ended the stream.</summary>
    public long TrailingBytes { get; }

    public static MqttReadResult Completed(long trailingBytes) => new(trailingBytes);
}
