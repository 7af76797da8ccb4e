using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Tests.Support;

namespace Simulator.Tests.Mqtt;

public sealed class AedesWebSocketTests : IClassFixture<AedesWs>
{
    private readonly AedesWs _broker;

    public AedesWebSocketTests(AedesWs broker) => _broker = broker;

    [Theory]
    [InlineData("mqtt")]
    [InlineData("mqttv3.1")]
    public Task Qos0AndQos1RoundTripOverWebSocket(string subprotocol) =>
        ClientHarness.RoundTripAsync(
            new TransportOptions
            {
                Kind = TransportKind.WebSocket,
                Host = "127.0.0.1",
                Port = _broker.Port,
                WebSocketSubprotocol = subprotocol,
                Headers = [new("x-amz-customauthorizer-name", "test-authorizer"), new("token", "abc")],
            },
            "ws-" + subprotocol.Replace('.', '-'));

    [Fact]
    public async Task KeepAliveHoldsAnIdleWebSocketConnection()
    {
        var (client, _) = await ClientHarness.ConnectAsync(new TransportOptions { Kind = TransportKind.WebSocket, Host = "127.0.0.1", Port = _broker.Port }, new MqttClientOptions { ClientId = "ws-idle", KeepAliveSeconds = 2 });
        await using (client)
        {
            await Task.Delay(TimeSpan.FromSeconds(7)); // three pings; Aedes closes after 1.5x the interval of silence
            Assert.False(client.Completion.IsCompleted, client.Completion.IsCompleted ? (await client.Completion)?.ToString() : null);
        }
    }
}
