using System.Buffers;
using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Simulator.Core.CustomAuth;
using Simulator.Core.Identity;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Tokens;
using Simulator.Core.Transport;
using Simulator.Gateway;
using Simulator.Gateway.Config;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>A subscriber that stops reading never stalls a publisher, a new connection or an HTTPS publish: it is cut as a slow consumer and counted; one that reads is never cut.</summary>
public sealed class SlowSubscriberTests
{
    private const string OpenPolicy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}""";

    [Fact]
    public async Task ASubscriberThatStopsReadingIsCutAndThePublisherKeepsItsPace()
    {
        using var tmp = new TempDir();
        var fleet = Fleet.Generate(new FleetSpec { Seed = 3, Count = 2 });
        var capture = new CapturingLoggerProvider();
        using var logs = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(capture).SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Information));
        await using var gateway = await OpenGatewayAsync(tmp, fleet, new QuotaOptions { ConnectsPerSecondPerClientId = 0, PublishesPerSecondPerConnection = 0 }, logs);

        // The slow one: a raw TLS connection that subscribes, reads its CONNACK and SUBACK, then never reads again.
        using var tcp = new TcpClient { ReceiveBufferSize = 4096 };
        await using var ssl = await RawTlsAsync(tcp, gateway);
        var connect = new ArrayBufferWriter<byte>();
        new ConnectPacket { ClientId = fleet[0].DeviceId, Username = Credentials(fleet, 0), KeepAliveSeconds = 0, CleanSession = true }.Write(connect);
        await ssl.WriteAsync(connect.WrittenMemory);
        using var readTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var connAck = new byte[4];
        await ssl.ReadExactlyAsync(connAck, readTimeout.Token);
        Assert.Equal(new byte[] { 0x20, 2, 0, 0 }, connAck);
        var subscribe = new ArrayBufferWriter<byte>();
        new SubscribePacket(1, [("shared/firehose", MqttQos.AtMostOnce)]).Write(subscribe);
        await ssl.WriteAsync(subscribe.WrittenMemory);
        var subAck = new byte[5];
        await ssl.ReadExactlyAsync(subAck, readTimeout.Token);
        Assert.Equal(0x90, subAck[0]);
        Assert.Equal(0, subAck[4]); // granted QoS 0

        // The publisher: QoS 1, 8 KB messages, as fast as PUBACKs come back.
        await using var publisher = await MqttClientConnection.ConnectAsync(
            Alpn(gateway),
            new MqttClientOptions { ClientId = fleet[1].DeviceId, Username = Credentials(fleet, 1) });
        var payload = new byte[8 * 1024];
        var topic = "shared/firehose"u8.ToArray();
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 4000 && gateway.Counters.SlowConsumers == 0; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await publisher.PublishAsync(topic, payload, MqttQos.AtLeastOnce).AsTask().WaitAsync(cts.Token);
            var took = Stopwatch.GetElapsedTime(t0);
            slowest = took > slowest ? took : slowest;
        }

        Assert.True(publisher.IsConnected);
        Assert.Equal(1, gateway.Counters.SlowConsumers);
        Assert.True(await Eventually.TrueAsync(() => gateway.Counters.DisconnectReasons.GetValueOrDefault("THROTTLED") == 1, TimeSpan.FromSeconds(5)), "the cut subscriber's disconnect was not counted as THROTTLED"); // counted once its session has ended
        Assert.True(slowest < TimeSpan.FromSeconds(2), $"slowest PUBACK {slowest.TotalMilliseconds:F0} ms");

        // A cut is the gateway doing its job, not an error of its own: nothing at Error or above.
        await Task.Delay(500);
        var errors = capture.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task AReaderStalledOnItsOwnRepliesNeverStallsPublishersLifecycleEventsOrHttps()
    {
        using var tmp = new TempDir();
        var fleet = Fleet.Generate(new FleetSpec { Seed = 5, Count = 6 });
        await using var gateway = await OpenGatewayAsync(tmp, fleet, new QuotaOptions
        {
            ConnectsPerSecondPerClientId = 0,
            PublishesPerSecondPerConnection = 0,
            QueuedDeliveriesPerSecond = 0, // stored messages go out as fast as the socket takes them
            QueuedMessagesPerSecondPerAccount = 0,
        });
        var alpn = Alpn(gateway);

        // The slow one keeps a session with 100 stored messages of 100 KB, on its topic and on presence events.
        var slowId = fleet[0].DeviceId;
        await using (var first = await MqttClientConnection.ConnectAsync(alpn, new MqttClientOptions { ClientId = slowId, Username = Credentials(fleet, 0), CleanSession = false }))
        {
            await first.SubscribeAsync([("shared/slow", MqttQos.AtLeastOnce), ("$aws/events/presence/+/+", MqttQos.AtLeastOnce)]);
            await first.DisconnectAsync();
        }

        await using (var filler = await MqttClientConnection.ConnectAsync(alpn, new MqttClientOptions { ClientId = fleet[1].DeviceId, Username = Credentials(fleet, 1) }))
        {
            var big = new byte[100 * 1024];
            for (var i = 0; i < 100; i++)
            {
                await filler.PublishAsync("shared/slow"u8.ToArray(), big, MqttQos.AtLeastOnce);
            }

            await filler.DisconnectAsync();
        }

        // It resumes, reads its CONNACK and stops reading: the replay fills its socket, and the
        // gateway's own write to it waits on a flush that will not complete.
        using var tcp = new TcpClient { ReceiveBufferSize = 4096 };
        await using var ssl = await RawTlsAsync(tcp, gateway);
        var connect = new ArrayBufferWriter<byte>();
        new ConnectPacket { ClientId = slowId, Username = Credentials(fleet, 0), KeepAliveSeconds = 0, CleanSession = false }.Write(connect);
        await ssl.WriteAsync(connect.WrittenMemory);
        var connAck = new byte[4];
        using (var readTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await ssl.ReadExactlyAsync(connAck, readTimeout.Token);
        }

        Assert.Equal(new byte[] { 0x20, 2, 1, 0 }, connAck); // session present
        long delivered;
        var stalledSince = DateTime.UtcNow;
        do
        {
            delivered = gateway.Counters.QueuedMessagesDelivered;
            await Task.Delay(300);
        }
        while (gateway.Counters.QueuedMessagesDelivered != delivered && DateTime.UtcNow - stalledSince < TimeSpan.FromSeconds(20));
        Assert.True(delivered < 100, $"the replay was not stalled: {delivered} of 100 stored messages went out to a reader that reads nothing");

        // A publisher to the stalled reader's topic gets each PUBACK and its own PINGRESP at once.
        await using var publisher = await MqttClientConnection.ConnectAsync(alpn, new MqttClientOptions { ClientId = fleet[2].DeviceId, Username = Credentials(fleet, 2) });
        for (var i = 0; i < 20; i++)
        {
            await publisher.PublishAsync("shared/slow"u8.ToArray(), new byte[512], MqttQos.AtLeastOnce).AsTask().WaitAsync(TimeSpan.FromSeconds(3));
        }

        // New connections (each one a presence event for the stalled reader) connect and get their own message back.
        for (var d = 3; d < 5; d++)
        {
            var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var device = await MqttClientConnection.ConnectAsync(alpn, new MqttClientOptions { ClientId = fleet[d].DeviceId, Username = Credentials(fleet, d), MessageReceived = (in PublishPacket _) => received.TrySetResult() }).WaitAsync(TimeSpan.FromSeconds(5));
            await device.SubscribeAsync([($"own/{d}", MqttQos.AtLeastOnce)]).WaitAsync(TimeSpan.FromSeconds(3));
            await device.PublishAsync(Encoding.UTF8.GetBytes($"own/{d}"), new byte[16], MqttQos.AtLeastOnce).AsTask().WaitAsync(TimeSpan.FromSeconds(3));
            await received.Task.WaitAsync(TimeSpan.FromSeconds(3));
        }

        // An HTTPS publish to the same topic is answered at once.
        using var http = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } }) { Timeout = TimeSpan.FromSeconds(5) };
        var username = Credentials(fleet, 5);
        var query = username[(username.IndexOf('?', StringComparison.Ordinal) + 1)..];
        var response = await http.PostAsync($"https://{gateway.EndpointName}:{gateway.Port}/topics/shared/slow?qos=1&{query}", new ByteArrayContent(new byte[64]));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);

        // Messages keep coming for it: its backlog passes the bound and it is cut as a slow consumer, once.
        var sw = Stopwatch.StartNew();
        while (gateway.Counters.SlowConsumers == 0 && sw.Elapsed < TimeSpan.FromSeconds(20))
        {
            await publisher.PublishAsync("shared/slow"u8.ToArray(), new byte[64 * 1024], MqttQos.AtLeastOnce).AsTask().WaitAsync(TimeSpan.FromSeconds(3));
        }

        Assert.Equal(1, gateway.Counters.SlowConsumers);
        Assert.True(publisher.IsConnected);
    }

    [Fact]
    public async Task ASubscriberThatReadsAtFullSpeedIsNeverCutForTheSizeOfItsMessages()
    {
        using var tmp = new TempDir();
        var fleet = Fleet.Generate(new FleetSpec { Seed = 6, Count = 2 });
        await using var gateway = await OpenGatewayAsync(tmp, fleet, new QuotaOptions { ConnectsPerSecondPerClientId = 0, PublishesPerSecondPerConnection = 0 });
        var alpn = Alpn(gateway);
        const int Messages = 200;
        var count = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscriber = await MqttClientConnection.ConnectAsync(alpn, new MqttClientOptions
        {
            ClientId = fleet[0].DeviceId,
            Username = Credentials(fleet, 0),
            MessageReceived = (in PublishPacket _) =>
            {
                if (Interlocked.Increment(ref count) == Messages)
                {
                    all.TrySetResult();
                }
            },
        });
        await subscriber.SubscribeAsync([("shared/large", MqttQos.AtMostOnce)]);
        await using var publisher = await MqttClientConnection.ConnectAsync(alpn, new MqttClientOptions { ClientId = fleet[1].DeviceId, Username = Credentials(fleet, 1) });
        var payload = new byte[100 * 1024];
        for (var burst = 0; burst < Messages / 8; burst++)
        {
            // Eight back to back (800 KB, more than any transport buffer on the way), then until the
            // reader has them all: a reader that keeps up, however large each message.
            await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => publisher.PublishAsync("shared/large"u8.ToArray(), payload, MqttQos.AtLeastOnce).AsTask()));
            var due = (burst + 1) * 8;
            var waited = Stopwatch.StartNew();
            while (Volatile.Read(ref count) < due && subscriber.IsConnected && waited.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(2);
            }
        }

        await Task.WhenAny(all.Task, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.True(all.Task.IsCompleted, $"{count} of {Messages} received; slow consumers {gateway.Counters.SlowConsumers}, delivered {gateway.Counters.Delivered}, published {gateway.Counters.Published}, subscriber connected {subscriber.IsConnected}");
        Assert.Equal(0, gateway.Counters.SlowConsumers);
        Assert.True(subscriber.IsConnected);
    }

    [Fact]
    public async Task ASubscribeSentRightBehindConnectIsAnswered()
    {
        // [MQTT-3.1.4-5]: a client may send packets right after CONNECT, before CONNACK.
        using var tmp = new TempDir();
        var fleet = Fleet.Generate(new FleetSpec { Seed = 3, Count = 1 });
        await using var gateway = await OpenGatewayAsync(tmp, fleet);
        using var tcp = new TcpClient();
        await using var ssl = await RawTlsAsync(tcp, gateway);
        var both = new ArrayBufferWriter<byte>();
        new ConnectPacket { ClientId = fleet[0].DeviceId, Username = Credentials(fleet, 0), KeepAliveSeconds = 0, CleanSession = true }.Write(both);
        new SubscribePacket(1, [("shared/x", MqttQos.AtMostOnce)]).Write(both);
        await ssl.WriteAsync(both.WrittenMemory);
        var acks = new byte[9];
        using var readTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await ssl.ReadExactlyAsync(acks, readTimeout.Token);
        Assert.Equal(0x20, acks[0]);
        Assert.Equal(0x90, acks[4]);
    }

    /// <summary>A gateway whose device-jwt authorizer allows everything, with the fleet's keys registered.</summary>
    private static async Task<LocalGateway> OpenGatewayAsync(TempDir tmp, Fleet fleet, QuotaOptions? quotas = null, Microsoft.Extensions.Logging.ILoggerFactory? logs = null)
    {
        var gateway = await LocalGateway.StartAsync(
            new GatewayOptions
            {
                DataDirectory = tmp["gw"],
                Quotas = quotas ?? new QuotaOptions(),
                Authorizers = [new() { Name = "device-jwt", Type = "device-jwt", SigningDisabled = true, PolicyTemplate = OpenPolicy }],
                DefaultAuthorizer = "device-jwt",
            },
            logs);
        foreach (var d in fleet.Devices)
        {
            using var ec = ECDsa.Create();
            ec.ImportFromPem(d.PublicKeyPem);
            gateway.Keys.Register(d.DeviceId, ec.ExportSubjectPublicKeyInfo());
        }

        return gateway;
    }

    /// <summary>Our client's transport to the gateway: TLS with ALPN mqtt, by address, with the endpoint's name for SNI.</summary>
    private static TransportOptions Alpn(LocalGateway gateway) => new() { Kind = TransportKind.Tls, Host = "127.0.0.1", ServerName = gateway.EndpointName, Port = gateway.Port, CaFile = gateway.CaFile, Alpn = ["mqtt"] };

    /// <summary>A raw TLS connection with ALPN mqtt: bytes in and out exactly as the test writes them.</summary>
    private static async Task<SslStream> RawTlsAsync(TcpClient tcp, LocalGateway gateway)
    {
        await tcp.ConnectAsync("127.0.0.1", gateway.Port);
        var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = gateway.EndpointName,
            ApplicationProtocols = [new SslApplicationProtocol("mqtt")],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        return ssl;
    }

    private static string Credentials(Fleet fleet, int i)
    {
        var key = fleet.GetPrivateKey(i);
        using var minter = new DeviceTokenMinter(Es256Signer.Create(key), fleet[i].DeviceId, new DeviceTokenOptions());
        var token = minter.Mint(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        return new CustomAuthCredentials("device-jwt", "token", token, null).ToUsername(fleet[i].DeviceId);
    }
}
