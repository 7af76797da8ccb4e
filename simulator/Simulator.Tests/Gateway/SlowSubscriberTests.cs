using System.Buffers;
using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
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

/// <summary>A subscriber that stops reading never stalls a publisher: it is cut as a slow consumer and counted.</summary>
public sealed class SlowSubscriberTests
{
    private const string OpenPolicy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}""";

    [Fact]
    public async Task ASubscriberThatStopsReadingIsCutAndThePublisherKeepsItsPace()
    {
        using var tmp = new TempDir();
        var fleet = Fleet.Generate(new FleetSpec { Seed = 3, Count = 2 });
        await using var gateway = await OpenGatewayAsync(tmp, fleet, new QuotaOptions { ConnectsPerSecondPerClientId = 0, PublishesPerSecondPerConnection = 0 });

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
            new TransportOptions { Kind = TransportKind.Tls, Host = "127.0.0.1", ServerName = gateway.EndpointName, Port = gateway.Port, CaFile = gateway.CaFile, Alpn = ["mqtt"] },
            new MqttClientOptions { ClientId = fleet[1].DeviceId, Username = Credentials(fleet, 1) });
        var payload = new byte[8 * 1024];
        var topic = "shared/firehose"u8.ToArray();
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 400; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await publisher.PublishAsync(topic, payload, MqttQos.AtLeastOnce).AsTask().WaitAsync(cts.Token);
            var took = Stopwatch.GetElapsedTime(t0);
            slowest = took > slowest ? took : slowest;
        }

        Assert.True(publisher.IsConnected);
        Assert.Equal(1, gateway.Counters.SlowConsumers);
        Assert.Equal(1, gateway.Counters.DisconnectReasons.GetValueOrDefault("THROTTLED"));
        Assert.True(slowest < TimeSpan.FromSeconds(2), $"slowest PUBACK {slowest.TotalMilliseconds:F0} ms");
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
    private static async Task<LocalGateway> OpenGatewayAsync(TempDir tmp, Fleet fleet, QuotaOptions? quotas = null)
    {
        var gateway = await LocalGateway.StartAsync(new GatewayOptions
        {
            DataDirectory = tmp["gw"],
            Quotas = quotas ?? new QuotaOptions(),
            Authorizers = [new() { Name = "device-jwt", Type = "device-jwt", SigningDisabled = true, PolicyTemplate = OpenPolicy }],
            DefaultAuthorizer = "device-jwt",
        });
        foreach (var d in fleet.Devices)
        {
            using var ec = ECDsa.Create();
            ec.ImportFromPem(d.PublicKeyPem);
            gateway.Keys.Register(d.DeviceId, ec.ExportSubjectPublicKeyInfo());
        }

        return gateway;
    }

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
