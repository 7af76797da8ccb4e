using System.Text;
using System.Threading.Channels;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;

namespace Simulator.Tests.Mqtt;

/// <summary>Connects our client and collects what it receives.</summary>
internal static class ClientHarness
{
    public static async Task<(MqttClientConnection Client, ChannelReader<(string Topic, string Payload, MqttQos Qos)> Inbox)> ConnectAsync(TransportOptions transport, MqttClientOptions options)
    {
        var inbox = Channel.CreateUnbounded<(string, string, MqttQos)>();
        var client = await MqttClientConnection.ConnectAsync(transport, options);
        client.MessageReceived = (in PublishPacket m) => inbox.Writer.TryWrite((Encoding.UTF8.GetString(m.Topic), Encoding.UTF8.GetString(m.Payload), m.Qos));
        return (client, inbox.Reader);
    }

    public static async Task RoundTripAsync(TransportOptions transport, string clientId)
    {
        var (client, inbox) = await ConnectAsync(transport, new MqttClientOptions { ClientId = clientId, KeepAliveSeconds = 30 });
        await using (client)
        {
            var topic = $"{clientId}/telemetry";
            var codes = await client.SubscribeAsync([(topic, MqttQos.AtLeastOnce)]);
            Assert.Equal(new byte[] { 1 }, codes);
            foreach (var qos in new[] { MqttQos.AtMostOnce, MqttQos.AtLeastOnce })
            {
                var payload = $"{{\"qos\":{(int)qos}}}";
                await client.PublishAsync(Encoding.UTF8.GetBytes(topic), Encoding.UTF8.GetBytes(payload), qos);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                var received = await inbox.ReadAsync(cts.Token);
                Assert.Equal((topic, payload, qos), received);
            }

            Assert.True(client.Timings.TcpMs >= 0);
            Assert.True(client.Timings.ConnAckMs >= 0);
            await client.UnsubscribeAsync([topic]);
            await client.DisconnectAsync();
            Assert.Null(await client.Completion);
        }
    }
}
