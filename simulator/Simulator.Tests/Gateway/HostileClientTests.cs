using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Tests.Mqtt;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>
/// Clients that send garbage to a gateway session, before and after a valid CONNECT, in pieces of
/// any size. Each connection must end within a deadline, the session must be released, and a
/// bystander must be served throughout.
/// </summary>
public sealed class HostileClientTests : IClassFixture<GatewayFixture>
{
    private static readonly TimeSpan PerInput = TimeSpan.FromSeconds(5);
    private readonly GatewayFixture _gw;

    public HostileClientTests(GatewayFixture gw) => _gw = gw;

    private TransportOptions Alpn => new() { Kind = TransportKind.Tls, Host = "localhost", Port = _gw.Gateway.Port, CaFile = _gw.Gateway.CaFile, Alpn = ["mqtt"] };

    /// <summary>A 1NCE-onboarded device: the authorizer the fixture runs without token signatures.</summary>
    private async Task<(string ClientId, string Username)> DeviceAsync(int device)
    {
        var onboarded = await _gw.OnboardWithCurlAsync(_gw.Fleet[device].Iccid);
        return (onboarded.ClientId, onboarded.Username);
    }

    private async Task<SslStream> OpenAsync()
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", _gw.Gateway.Port);
        var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        using var ca = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(_gw.Gateway.CaFile);
        var policy = new System.Security.Cryptography.X509Certificates.X509ChainPolicy { TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust, RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(ca);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ApplicationProtocols = [new SslApplicationProtocol("mqtt")],
            CertificateChainPolicy = policy,
        });
        return ssl;
    }

    [Theory]
    [InlineData(MqttVersion.V311)]
    [InlineData(MqttVersion.V500)]
    public async Task GarbageFromClientsEndsOnlyTheirSessions(MqttVersion version)
    {
        var me = await DeviceAsync(0);
        var others = new List<(string ClientId, string Username)>();
        for (var d = 1; d < 5; d++)
        {
            others.Add(await DeviceAsync(d));
        }

        var (bystander, inbox) = await ClientHarness.ConnectAsync(Alpn, new MqttClientOptions { ClientId = me.ClientId, Username = me.Username, Version = version });
        await using (bystander)
        {
            var topic = $"{me.ClientId}/fuzz";
            await bystander.SubscribeAsync([(topic, MqttQos.AtLeastOnce)]);
            var baseline = _gw.Gateway.Counters.Connections;
            var rng = new Random(11);
            var seeds = MqttCorpus.Seeds(withLarge: true, version: version).Where(s => (MqttPacketType)(s[0] >> 4) != MqttPacketType.Connect).ToArray();
            var afterConnect = 0;
            for (var i = 0; i < 40; i++)
            {
                var garbage = MqttCorpus.Stream(rng, seeds, rng.Next(1, 5));
                var authenticated = rng.Next(2) == 0;
                await using var ssl = await OpenAsync();
                if (authenticated)
                {
                    // A valid CONNECT of its own device, then garbage in the same session.
                    var connect = new ArrayBufferWriter<byte>();
                    new ConnectPacket { ClientId = others[i % 4].ClientId, Username = others[i % 4].Username, KeepAliveSeconds = 60, ProtocolLevel = (byte)version }.Write(connect);
                    await ssl.WriteAsync(connect.WrittenMemory);
                    var head = new byte[2];
                    await ssl.ReadExactlyAsync(head);
                    var rest = new byte[head[1]];
                    await ssl.ReadExactlyAsync(rest);
                    Assert.Equal(0x20, head[0]);
                    Assert.Equal(0x00, rest[1]); // accepted: return code 0 (3.1.1) or reason code Success (5.0)
                    afterConnect++;
                }

                for (var at = 0; at < garbage.Length;)
                {
                    var n = Math.Min(garbage.Length - at, rng.Next(1, 3000));
                    try
                    {
                        await ssl.WriteAsync(garbage.AsMemory(at, n));
                    }
                    catch (IOException)
                    {
                        break; // the gateway already hung up on us
                    }

                    at += n;
                }

                // Close our side (TLS close_notify): whatever the session made of the garbage, it must end now.
                try
                {
                    await ssl.ShutdownAsync();
                }
                catch (IOException)
                {
                }

                using var deadline = new CancellationTokenSource(PerInput);
                var drained = await DrainUntilClosedAsync(ssl, deadline.Token);
                Assert.True(drained, $"input {i} ({garbage.Length} bytes, after CONNECT: {authenticated}): the gateway kept the connection open past {PerInput}");
            }

            Assert.True(afterConnect >= 10, "too few sessions got garbage after a valid CONNECT");

            // Every hostile session was released, and the bystander is still served.
            var released = await Eventually.TrueAsync(() => _gw.Gateway.Counters.Connections == baseline, TimeSpan.FromSeconds(5));
            Assert.True(released, $"connections {_gw.Gateway.Counters.Connections}, expected {baseline}");
            Assert.True(bystander.IsConnected);
            await bystander.PublishAsync(Encoding.UTF8.GetBytes(topic), "still here"u8.ToArray(), MqttQos.AtLeastOnce);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            Assert.Equal("still here", (await inbox.ReadAsync(wait.Token)).Payload);
        }
    }

    private static async Task<bool> DrainUntilClosedAsync(SslStream ssl, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (await ssl.ReadAsync(buffer, ct) > 0)
            {
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true; // reset by the gateway: closed
        }
    }

    [Theory]
    [InlineData(MqttVersion.V311)]
    [InlineData(MqttVersion.V500)]
    public async Task AClientIdOverAwsLimitIsRefusedBeforeAnyAuthorizer(MqttVersion version)
    {
        var (_, username) = await DeviceAsync(5);
        var denied = _gw.Gateway.Counters.Denies.GetValueOrDefault(Simulator.Gateway.Auth.DenyReason.ClientIdTooLong);
        var calls = _gw.Gateway.Counters.AuthorizerCalls;
        await using var raw = await RawMqttSession.ConnectAsync(Alpn, new ConnectPacket { ClientId = new string('c', 129), Username = username, KeepAliveSeconds = 30, ProtocolLevel = (byte)(version == MqttVersion.V500 ? 5 : 4) });
        if (version == MqttVersion.V500)
        {
            var connAck = await raw.NextAsync();
            Assert.Equal(MqttPacketType.ConnAck, connAck.Packet.Type);
            Assert.Equal((byte)MqttReasonCode.ClientIdentifierNotValid, connAck.Packet.Body.FirstSpan[1]);
        }

        var closed = await Assert.ThrowsAnyAsync<Exception>(raw.NextAsync); // then closed (at 3.1.1 without a CONNACK, as AWS refuses connects)
        Assert.False(closed is OperationCanceledException, "the connection stayed open: the read timed out");
        Assert.Equal(denied + 1, _gw.Gateway.Counters.Denies.GetValueOrDefault(Simulator.Gateway.Auth.DenyReason.ClientIdTooLong));
        Assert.Equal(calls, _gw.Gateway.Counters.AuthorizerCalls);

        // 128 bytes is within the limit: it goes on to the authorizer (whose policy then decides).
        await using var fine = await RawMqttSession.ConnectAsync(Alpn, new ConnectPacket { ClientId = new string('c', 128), Username = username, KeepAliveSeconds = 30, ProtocolLevel = (byte)(version == MqttVersion.V500 ? 5 : 4) });
        Assert.True(await Eventually.TrueAsync(() => _gw.Gateway.Counters.AuthorizerCalls > calls, TimeSpan.FromSeconds(10)), "a 128-byte client id never reached the authorizer");
        Assert.Equal(denied + 1, _gw.Gateway.Counters.Denies.GetValueOrDefault(Simulator.Gateway.Auth.DenyReason.ClientIdTooLong));
    }

    [Theory]
    [InlineData(MqttVersion.V311)]
    [InlineData(MqttVersion.V500)]
    public async Task AQos2PublishEndsTheConnectionInsteadOfWaitingForeverForAPubrec(MqttVersion version)
    {
        var (clientId, username) = await DeviceAsync(7);
        await using var raw = await RawMqttSession.ConnectAsync(Alpn, new ConnectPacket { ClientId = clientId, Username = username, KeepAliveSeconds = 30, ProtocolLevel = (byte)(version == MqttVersion.V500 ? 5 : 4) });
        Assert.Equal(MqttPacketType.ConnAck, (await raw.NextAsync()).Packet.Type);
        var topic = Encoding.UTF8.GetBytes($"{clientId}/messages");
        await raw.SendAsync(w =>
        {
            if (version == MqttVersion.V500)
            {
                PublishPacket.WriteHeaderV5(w, topic, 4, MqttQos.ExactlyOnce, 7, 0, []);
                w.Write(new byte[4]);
            }
            else
            {
                PublishPacket.Write(w, topic, new byte[4], MqttQos.ExactlyOnce, 7);
            }
        });
        if (version == MqttVersion.V500)
        {
            var disconnect = await raw.NextAsync();
            Assert.Equal(MqttPacketType.Disconnect, disconnect.Packet.Type);
            Assert.Equal(MqttReasonCode.QosNotSupported, DisconnectPacket.Read(disconnect.Packet, MqttVersion.V500).ReasonCode);
        }

        var closed = await Assert.ThrowsAnyAsync<Exception>(raw.NextAsync);
        Assert.False(closed is OperationCanceledException, "the connection stayed open: the read timed out");
    }
}
