using Simulator.Core.Errors;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Tests.Support;

namespace Simulator.Tests.Mqtt;

/// <summary>The keep-alive registry: every connection leaves it however it ends, in any order, even inside its own tick.</summary>
[Collection(nameof(AllocationCollection))] // the registry is process-wide: no other test connects meanwhile
public sealed class KeepAliveRegistryTests : IClassFixture<Mosquitto>
{
    private readonly Mosquitto _broker;

    public KeepAliveRegistryTests(Mosquitto broker) => _broker = broker;

    [Fact]
    public async Task ConnectionsLeaveTheRegistryInAnyOrder()
    {
        var before = KeepAliveScheduler.Count;
        var clients = new List<MqttClientConnection>();
        for (var i = 0; i < 50; i++)
        {
            clients.Add(await MqttClientConnection.ConnectAsync(
                new TransportOptions { Kind = TransportKind.Tcp, Host = "127.0.0.1", Port = _broker.TcpPort },
                new MqttClientOptions { ClientId = $"ka-{i}", KeepAliveSeconds = 60 }));
        }

        Assert.Equal(before + 50, KeepAliveScheduler.Count);
        foreach (var c in clients.OrderBy(_ => Random.Shared.Next()))
        {
            if (Random.Shared.Next(2) == 0)
            {
                await c.DisposeAsync();
            }
            else
            {
                c.Abort();
            }
        }

        Assert.Equal(before, KeepAliveScheduler.Count);
    }

    [Fact]
    public async Task ConnectionsThatEndInTheirOwnTickLeaveIt()
    {
        var before = KeepAliveScheduler.Count;
        await using var server = new ScriptedServer(async (s, ct) =>
        {
            await ScriptedServer.ReadAsync(s, 10, ct);
            await s.WriteAsync(new byte[] { 0x20, 0x02, 0x00, 0x00 }, ct);
            await Task.Delay(30_000, ct); // never answers PINGREQ: each client ends inside a scan
        });
        var clients = new List<MqttClientConnection>();
        for (var i = 0; i < 20; i++)
        {
            clients.Add(await MqttClientConnection.ConnectAsync(
                new TransportOptions { Kind = TransportKind.Tcp, Host = "127.0.0.1", Port = server.Port },
                new MqttClientOptions { ClientId = $"kt-{i}", KeepAliveSeconds = 1 }));
        }

        foreach (var c in clients)
        {
            var reason = await c.Completion.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(FailureKind.KeepAliveTimeout, reason!.Kind);
        }

        Assert.Equal(before, KeepAliveScheduler.Count);
        foreach (var c in clients)
        {
            await c.DisposeAsync();
        }
    }
}
