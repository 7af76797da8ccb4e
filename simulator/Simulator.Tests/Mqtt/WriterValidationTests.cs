using System.Buffers;
using System.Text;
using Simulator.Core.Mqtt;

namespace Simulator.Tests.Mqtt;

/// <summary>Writers refuse what they cannot carry faithfully, with the spec's rule, before a byte is written.</summary>
public sealed class WriterValidationTests
{
    [Theory]
    [InlineData(70_000, "[MQTT-4.7.3-3]")]
    [InlineData(65_536, "[MQTT-4.7.3-3]")]
    public void ATopicOverTheTwoByteLengthIsRefusedNotTruncated(int length, string rule)
    {
        var writer = new ArrayBufferWriter<byte>();
        var e = Assert.Throws<MqttProtocolException>(() => PublishPacket.Write(writer, Encoding.UTF8.GetBytes(new string('a', length)), "x"u8, MqttQos.AtMostOnce));
        Assert.Contains(rule, e.Message, StringComparison.Ordinal);
        Assert.Equal(0, writer.WrittenCount);
    }

    [Fact]
    public void ATopicOfExactly65535BytesIsWritten()
    {
        var writer = new ArrayBufferWriter<byte>();
        PublishPacket.Write(writer, Encoding.UTF8.GetBytes(new string('a', 65_535)), "x"u8, MqttQos.AtMostOnce);
        Assert.True(writer.WrittenCount > 65_535);
    }

    [Theory]
    [InlineData("a/#", "[MQTT-3.3.2-2]")]
    [InlineData("a/+/b", "[MQTT-3.3.2-2]")]
    [InlineData("a\0b", "[MQTT-1.5.3-2]")]
    [InlineData("", "[MQTT-4.7.3-1]")]
    public void ABadPublishTopicIsRefusedWithItsRule(string topic, string rule)
    {
        var writer = new ArrayBufferWriter<byte>();
        var e = Assert.Throws<MqttProtocolException>(() => PublishPacket.Write(writer, Encoding.UTF8.GetBytes(topic), "x"u8, MqttQos.AtLeastOnce, 1));
        Assert.Contains(rule, e.Message, StringComparison.Ordinal);
        Assert.Equal(0, writer.WrittenCount);
    }

    [Theory]
    [InlineData("a/#/b", "[MQTT-4.7.1-2]")]
    [InlineData("a/b+", "[MQTT-4.7.1-3]")]
    [InlineData("a\0", "[MQTT-1.5.3-2]")]
    public void ABadSubscribeFilterIsRefusedWithItsRule(string filter, string rule)
    {
        var writer = new ArrayBufferWriter<byte>();
        var e = Assert.Throws<MqttProtocolException>(() => new SubscribePacket(1, [(filter, MqttQos.AtLeastOnce)]).Write(writer));
        Assert.Contains(rule, e.Message, StringComparison.Ordinal);
        Assert.Equal(0, writer.WrittenCount);
    }
}
