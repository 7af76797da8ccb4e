using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Simulator.Core.Mqtt;

namespace Simulator.Benchmarks;

/// <summary>
/// PUBLISH encode into a reused <see cref="IBufferWriter{T}"/> and decode from a sequence, MQTT
/// 3.1.1 beside MQTT 5 (a device's properties: a content type and a user property, then by Topic
/// Alias with the topic left out, as our client sends it after the first PUBLISH). All must show 0 B/op.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class MqttCodecBenchmarks
{
    private readonly ArrayBufferWriter<byte> _writer = new(80 * 1024);
    private readonly byte[] _topic = "8988228066000000017/telemetry"u8.ToArray();
    private readonly byte[] _properties = new MqttProperties { ContentType = "application/json", UserProperties = [new("fw", "2.0.1")] }.Encode();
    private byte[] _payload = null!;
    private ReadOnlySequence<byte> _encoded;
    private ReadOnlySequence<byte> _encodedV5;

    [Params(64, 1024, 65536)]
    public int PayloadSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payload = new byte[PayloadSize];
        Random.Shared.NextBytes(_payload);
        PublishPacket.Write(_writer, _topic, _payload, MqttQos.AtLeastOnce, 42);
        _encoded = new ReadOnlySequence<byte>(_writer.WrittenSpan.ToArray());
        _writer.ResetWrittenCount();
        PublishPacket.WriteHeaderV5(_writer, _topic, _payload.Length, MqttQos.AtLeastOnce, 42, 1, _properties);
        _writer.Write(_payload);
        _encodedV5 = new ReadOnlySequence<byte>(_writer.WrittenSpan.ToArray());
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("encode")]
    public int EncodePublish()
    {
        _writer.ResetWrittenCount();
        PublishPacket.Write(_writer, _topic, _payload, MqttQos.AtLeastOnce, 42);
        return _writer.WrittenCount;
    }

    [Benchmark]
    [BenchmarkCategory("encode")]
    public int EncodePublishV5ByAlias()
    {
        _writer.ResetWrittenCount();
        PublishPacket.WriteHeaderV5(_writer, default, _payload.Length, MqttQos.AtLeastOnce, 42, 1, _properties);
        _writer.Write(_payload);
        return _writer.WrittenCount;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("decode")]
    public long DecodePublish()
    {
        var buffer = _encoded;
        MqttFraming.TryRead(ref buffer, MqttFraming.DefaultMaxPacketSize, out var packet);
        var publish = PublishPacket.Read(packet);
        return publish.Payload.Length + publish.PacketId;
    }

    [Benchmark]
    [BenchmarkCategory("decode")]
    public long DecodePublishV5()
    {
        var buffer = _encodedV5;
        MqttFraming.TryRead(ref buffer, MqttFraming.DefaultMaxPacketSize, MqttVersion.V500, out var packet);
        var publish = PublishPacket.Read(packet, MqttVersion.V500);
        return publish.Payload.Length + publish.PacketId + publish.TopicAlias;
    }
}
