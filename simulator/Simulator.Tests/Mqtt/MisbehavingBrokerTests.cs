using System.Diagnostics;
using System.Text;
using Simulator.Core.Errors;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Tests.Support;

namespace Simulator.Tests.Mqtt;

public sealed class MisbehavingBrokerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private static async Task<ConnectionFailedException> ConnectAgainst(Func<System.Net.Sockets.NetworkStream, CancellationToken, Task> script, TransportKind kind = TransportKind.Tcp)
    {
        await using var server = new ScriptedServer(script);
        var sw = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(
            new TransportOptions { Kind = kind, Host = "127.0.0.1", Port = server.Port },
            new MqttClientOptions { ClientId = "victim", ConnectTimeout = Timeout }));
        Assert.True(sw.Elapsed < Timeout + TimeSpan.FromSeconds(2), $"took {sw.Elapsed}");
        return e;
    }

    [Fact]
    public async Task GarbageIsAProtocolViolation()
    {
        var e = await ConnectAgainst(async (s, ct) =>
        {
            await ScriptedServer.ReadAsync(s, 10, ct);
            await s.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\n\r\n"), ct);
            await Task.Delay(5000, ct);
        });
        Assert.Equal(FailureKind.ProtocolViolation, e.Kind);
    }

    [Fact]
    public async Task ATwoGigabyteRemainingLengthIsRefusedWithoutBuffering()
    {
        var e = await ConnectAgainst(async (s, ct) =>
        {
            await ScriptedServer.ReadAsync(s, 10, ct);
            await s.WriteAsync(new byte[] { 0x20, 0xFF, 0xFF, 0xFF, 0x7F }, ct);
            await Task.Delay(5000, ct);
        });
        Assert.Equal(FailureKind.ProtocolViolation, e.Kind);
        Assert.Contains("exceeds the limit", e.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HalfAPacketThenSilenceTimesOut()
    {
        var e = await ConnectAgainst(async (s, ct) =>
        {
            await ScriptedServer.ReadAsync(s, 10, ct);
            await s.WriteAsync(new byte[] { 0x20, 0x02, 0x00 }, ct);
            await Task.Delay(10_000, ct);
        });
        Assert.Equal(FailureKind.ConnectTimeout, e.Kind);
    }

    [Fact]
    public async Task AnUnknownConnAckCodeIsAProtocolViolation()
    {
        var e = await ConnectAgainst(async (s, ct) =>
        {
            await ScriptedServer.ReadAsync(s, 10, ct);
            await s.WriteAsync(new byte[] { 0x20, 0x02, 0x00, 0x09 }, ct);
            await Task.Delay(5000, ct);
        });
        Assert.Equal(FailureKind.ProtocolViolation, e.Kind);
        Assert.Contains("[MQTT-3.2.2.3]", e.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClosingAfterConnectIsTheCustomAuthDenial()
    {
        var e = await ConnectAgainst(async (s, ct) => await ScriptedServer.ReadAsync(s, 10, ct));
        Assert.Equal(FailureKind.ClosedAfterConnect, e.Kind);
    }

    [Fact]
    public async Task AnUpgradeAnsweredWith401IsRefusedWithItsStatus()
    {
        var e = await ConnectAgainst(
            async (s, ct) =>
            {
                await ScriptedServer.ReadAsync(s, 16, ct);
                await s.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n"), ct);
                await Task.Delay(5000, ct);
            },
            TransportKind.WebSocket);
        Assert.Equal(FailureKind.WebSocketUpgradeRefused, e.Kind);
        Assert.Equal(401, e.HttpStatus);
    }

    [Fact]
    public async Task ClosingAfterAPublishIsThePolicyDenial()
    {
        await using var server = new ScriptedServer(async (s, ct) =>
        {
            await ScriptedServer.ReadAsync(s, 15, ct);                       // CONNECT of client "c"
            await s.WriteAsync(new byte[] { 0x20, 0x02, 0x00, 0x00 }, ct);  // CONNACK accepted
            await ScriptedServer.ReadAsync(s, 5, ct);                        // the PUBLISH
        });
        await using var client = await MqttClientConnection.ConnectAsync(new TransportOptions { Kind = TransportKind.Tcp, Host = "127.0.0.1", Port = server.Port }, new MqttClientOptions { ClientId = "c" });
        await Assert.ThrowsAsync<ConnectionFailedException>(async () => await client.PublishAsync("not/mine"u8.ToArray(), "x"u8.ToArray(), Simulator.Core.Mqtt.MqttQos.AtLeastOnce));
        var reason = await client.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(FailureKind.ClosedAfterPublish, reason!.Kind);
    }

    [Fact]
    public async Task AMissingPingRespIsAKeepAliveTimeout()
    {
        await using var server = new ScriptedServer(async (s, ct) =>
        {
            await ScriptedServer.ReadAsync(s, 10, ct);
            await s.WriteAsync(new byte[] { 0x20, 0x02, 0x00, 0x00 }, ct);
            await Task.Delay(10_000, ct); // reads nothing, answers no PINGREQ
        });
        await using var client = await MqttClientConnection.ConnectAsync(new TransportOptions { Kind = TransportKind.Tcp, Host = "127.0.0.1", Port = server.Port }, new MqttClientOptions { ClientId = "c", KeepAliveSeconds = 1 });
        var reason = await client.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(FailureKind.KeepAliveTimeout, reason!.Kind);
    }

    [Fact]
    public async Task AnUnansweredPublishIsAnAckTimeout()
    {
        await using var server = new ScriptedServer(async (s, ct) =>
        {
            await ScriptedServer.ReadAsync(s, 15, ct);
            await s.WriteAsync(new byte[] { 0x20, 0x02, 0x00, 0x00 }, ct);
            await Task.Delay(10_000, ct); // takes the PUBLISH, never sends its PUBACK
        });
        await using var client = await MqttClientConnection.ConnectAsync(new TransportOptions { Kind = TransportKind.Tcp, Host = "127.0.0.1", Port = server.Port }, new MqttClientOptions { ClientId = "c", KeepAliveSeconds = 0, AckTimeout = TimeSpan.FromSeconds(1) });

        // The keep-alive scan first sees the connection idle (nothing due, ever), so only the new ack's deadline can bring it back.
        await Task.Delay(3 * 250);
        var e = await Assert.ThrowsAsync<ConnectionFailedException>(async () => await client.PublishAsync("d/c"u8.ToArray(), "x"u8.ToArray(), Simulator.Core.Mqtt.MqttQos.AtLeastOnce).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(FailureKind.AckTimeout, e.Kind);
        Assert.Equal(FailureKind.AckTimeout, (await client.Completion.WaitAsync(TimeSpan.FromSeconds(5)))!.Kind);
    }
}
