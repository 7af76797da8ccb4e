using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Tests.Support;

namespace Simulator.Tests.Mqtt;

/// <summary>
/// How our client ends a session against a real mosquitto: whoever ends it (our DISCONNECT, the
/// server's close, an abort at the same time as a dispose), the transport is closed once and never
/// twice at once; and a caller awaiting an ack resumes off the receive loop, so its teardown never
/// runs inside the loop that still reads the transport being closed.
/// </summary>
public sealed class ClientTeardownTests : IClassFixture<Mosquitto>
{
    private readonly Mosquitto _broker;

    public ClientTeardownTests(Mosquitto broker) => _broker = broker;

    private async Task<(MqttClientConnection Client, DisposeCountingStream Stream)> ConnectCountedAsync(string clientId)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", _broker.TcpPort);
        var stream = new DisposeCountingStream(tcp.GetStream());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var client = await MqttClientConnection.ConnectOverAsync(stream, new MqttClientOptions { ClientId = clientId, KeepAliveSeconds = 30 }, new ConnectTimings(), Stopwatch.GetTimestamp(), timeout.Token, CancellationToken.None);
        return (client, stream);
    }

    private static string? _lastStack;

    private static bool OnReceiveLoop()
    {
        var trace = new StackTrace();
        // The loop's state machine: a nested type of the client named after ReceiveLoopAsync.
        var on = trace.GetFrames().Any(f => f.GetMethod()?.DeclaringType is { } t && t.DeclaringType == typeof(MqttClientConnection) && t.Name.Contains("<ReceiveLoopAsync>", StringComparison.Ordinal));
        if (on)
        {
            _lastStack = trace.ToString();
        }

        return on;
    }

    [Fact]
    public async Task OurDisconnectThenDisposeClosesTheTransportOnce()
    {
        var (client, stream) = await ConnectCountedAsync("teardown-disconnect");
        await client.DisconnectAsync();
        await client.DisposeAsync();
        Assert.Null(await client.Completion);
        Assert.Equal(1, stream.Disposals);
        Assert.Equal(0, stream.Overlapped);
    }

    [Fact]
    public async Task AServerCloseThenADisposeClosesTheTransportOnce()
    {
        var (client, stream) = await ConnectCountedAsync("teardown-takeover");

        // A second session with the same client id: mosquitto closes the first.
        var (second, _) = await ConnectCountedAsync("teardown-takeover");
        await using (second)
        {
            var reason = await client.Completion.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.NotNull(reason);
            await client.DisposeAsync();
            Assert.Equal(1, stream.Disposals);
            Assert.Equal(0, stream.Overlapped);
        }
    }

    [Fact]
    public async Task AnAbortRacingADisposeClosesTheTransportOnceAndNeverTwiceAtOnce()
    {
        for (var i = 0; i < 20; i++)
        {
            var (client, stream) = await ConnectCountedAsync($"teardown-race-{i}");
            var go = new ManualResetEventSlim();
            var abort = Task.Run(() =>
            {
                go.Wait();
                client.Abort();
            });
            var dispose = Task.Run(async () =>
            {
                go.Wait();
                await client.DisposeAsync();
            });
            go.Set();
            await Task.WhenAll(abort, dispose).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(1, stream.Disposals);
            Assert.Equal(0, stream.Overlapped);
        }
    }

    [Fact]
    public async Task AnAwaiterThatDisconnectsWhenItsAckComesEndsTheSessionCleanly()
    {
        // A device stopped while it waited for a PUBACK goes on, when the PUBACK comes, to
        // disconnect and dispose: on the receive loop, which must then find only a closed transport.
        for (var i = 0; i < 20; i++)
        {
            var (client, stream) = await ConnectCountedAsync($"teardown-ack-{i}");
            var reason = await Task.Run(async () =>
            {
                await client.PublishAsync("teardown/ack"u8.ToArray(), "{}"u8.ToArray(), MqttQos.AtLeastOnce).ConfigureAwait(false);
                await client.DisposeAsync().ConfigureAwait(false);
                return await client.Completion.ConfigureAwait(false);
            }).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Null(reason); // our own DISCONNECT, never a ClientError from the loop
            Assert.Equal(1, stream.Disposals);
            Assert.Equal(0, stream.Overlapped);
        }
    }

    [Fact]
    public async Task WhenTheConnectionEndsUnderAnAwaiterItResumesOffTheThreadThatEndedIt()
    {
        // The server reads the PUBLISH and closes without a PUBACK: the receive loop ends the
        // connection and fails the pending ack. The awaiter (a device's teardown) must not run on
        // the loop, nor on the keep-alive scan or a sender that might end it another time.
        await using var server = new ScriptedServer(async (s, ct) =>
        {
            await ScriptedServer.ReadAsync(s, 15, ct);                       // CONNECT
            await s.WriteAsync(new byte[] { 0x20, 0x02, 0x00, 0x00 }, ct);  // CONNACK accepted
            await ScriptedServer.ReadAsync(s, 5, ct);                        // the PUBLISH, then close
        });
        await using var client = await MqttClientConnection.ConnectAsync(new TransportOptions { Kind = TransportKind.Tcp, Host = "127.0.0.1", Port = server.Port }, new MqttClientOptions { ClientId = "c" });
        var onLoop = await Task.Run(async () =>
        {
            try
            {
                await client.PublishAsync("t/x"u8.ToArray(), "x"u8.ToArray(), MqttQos.AtLeastOnce).ConfigureAwait(false);
                return (bool?)null;
            }
            catch (Simulator.Core.Errors.ConnectionFailedException)
            {
                return OnReceiveLoop();
            }
        }).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(onLoop == false, onLoop is null ? "the publish was acknowledged" : $"the awaiter resumed on the receive loop: {_lastStack}");
    }
}
