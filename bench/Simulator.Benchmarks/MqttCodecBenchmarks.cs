using System.Buffers;
using BenchmarkDotNet.Attributes;
using Simulator.Core.Mqtt;

namespace Simulator.Benchmarks;

/// <summary>PUBLISH encode into a reused <see cref="IBufferWriter{T}"/> and decode from a sequence: both must show 0 B/op.</summary>
[MemoryDiagnoser]
public class MqttCodecBenchmarks
{
    private readonly ArrayBufferWriter<byte> _writer = new(80 * 1024);
    private readonly byte[] _topic = "8988228066000000017/telemetry"u8.ToArray();
    private byte[] _payload = null!;
    private ReadOnlySequence<byte> _encoded;

    [Params(64, 1024, 65536)]
    public int PayloadSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payload = new byte[PayloadSize];
        Random.Shared.NextBytes(_payload);
        PublishPacket.Write(_writer, _topic, _payload, MqttQos.AtLeastOnce, 42);
        _encoded = new ReadOnlySequence<byte>(_writer.WrittenSpan.ToArray());
    }

    [Benchmark]
    public int EncodePublish()
    {
        _writer.ResetWrittenCount();
        PublishPacket.Write(_writer, _topic, _payload, MqttQos.AtLeastOnce, 42);
        return _writer.WrittenCount;
    }

    [Benchmark]
    public long DecodePublish()
    {
        var buffer = _encoded;
        MqttFraming.TryRead(ref buffer, MqttFraming.DefaultMaxPacketSize, out var packet);
        var publish = PublishPacket.Read(packet);
        return publish.Payload.Length + publish.PacketId;
    }
}
