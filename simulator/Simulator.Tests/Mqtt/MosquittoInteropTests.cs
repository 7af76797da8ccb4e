using System.Net;
using System.Text;
using Simulator.Core.Errors;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Tests.Support;

namespace Simulator.Tests.Mqtt;

public sealed class MosquittoInteropTests : IClassFixture<Mosquitto>
{
    private readonly Mosquitto _broker;

    public MosquittoInteropTests(Mosquitto broker) => _broker = broker;

    private TransportOptions Tcp(int? port = null) => new() { Kind = TransportKind.Tcp, Host = "127.0.0.1", Port = port ?? _broker.TcpPort };

    [Fact]
    public Task Qos0AndQos1RoundTripOverTcp() => ClientHarness.RoundTripAsync(Tcp(), "tcp-client");

    [Theory]
    [MemberData(nameof(Transport.TlsProviderTests.Providers), MemberType = typeof(Transport.TlsProviderTests))]
    public Task Qos0AndQos1RoundTripOverTlsWithACaFile(TlsProvider tls) =>
        ClientHarness.RoundTripAsync(new TransportOptions { Kind = TransportKind.Tls, Host = "localhost", Port = _broker.TlsPort, CaFile = _broker.Ca.CaFile, Tls = tls }, "tls-client");

    [Theory]
    [MemberData(nameof(Transport.TlsProviderTests.Providers), MemberType = typeof(Transport.TlsProviderTests))]
    public async Task TlsAgainstTheSystemStoreFailsAsAHandshakeFailure(TlsProvider tls)
    {
        var e = await Assert.ThrowsAsync<ConnectionFailedException>(() =>
            MqttClientConnection.ConnectAsync(new TransportOptions { Kind = TransportKind.Tls, Host = "localhost", Port = _broker.TlsPort, Tls = tls }, new MqttClientOptions { ClientId = "x" }));
        Assert.Equal(FailureKind.TlsHandshake, e.Kind);
        Assert.Contains("untrusted", e.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Transport.TlsProviderTests.Providers), MemberType = typeof(Transport.TlsProviderTests))]
    public async Task TlsWithTheWrongServerNameFails(TlsProvider tls)
    {
        var e = await Assert.ThrowsAsync<ConnectionFailedException>(() =>
            MqttClientConnection.ConnectAsync(new TransportOptions { Kind = TransportKind.Tls, Host = "127.0.0.1", ServerName = "example.org", Port = _broker.TlsPort, CaFile = _broker.Ca.CaFile, Tls = tls }, new MqttClientOptions { ClientId = "x" }));
        Assert.Equal(FailureKind.TlsHandshake, e.Kind);
        Assert.Contains("does not name the server", e.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Transport.TlsProviderTests.Providers), MemberType = typeof(Transport.TlsProviderTests))]
    public async Task TlsWithAnotherCaFileFailsAsNotSignedByIt(TlsProvider tls)
    {
        using var dir = new TempDir();
        var other = new TestCa(dir.Path);
        var e = await Assert.ThrowsAsync<ConnectionFailedException>(() =>
            MqttClientConnection.ConnectAsync(new TransportOptions { Kind = TransportKind.Tls, Host = "localhost", Port = _broker.TlsPort, CaFile = other.CaFile, Tls = tls }, new MqttClientOptions { ClientId = "x" }));
        Assert.Equal(FailureKind.TlsHandshake, e.Kind);
        Assert.Contains("not signed by the given CA file", e.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadCredentialsAreConnAck5()
    {
        var e = await Assert.ThrowsAsync<ConnectionFailedException>(() =>
            MqttClientConnection.ConnectAsync(Tcp(_broker.AuthPort), new MqttClientOptions { ClientId = "x", Username = Mosquitto.User, Password = "wrong"u8.ToArray() }));
        Assert.Equal(FailureKind.ConnAckRefused, e.Kind);
        Assert.Equal(5, e.ConnAckCode);

        await using var ok = await MqttClientConnection.ConnectAsync(Tcp(_broker.AuthPort), new MqttClientOptions { ClientId = "y", Username = Mosquitto.User, Password = Encoding.UTF8.GetBytes(Mosquitto.Password) });
        Assert.True(ok.IsConnected);
    }

    [Fact]
    public async Task KeepAliveHoldsAnIdleConnectionForThreeIntervals()
    {
        var (client, inbox) = await ClientHarness.ConnectAsync(Tcp(), new MqttClientOptions { ClientId = "idle", KeepAliveSeconds = 1 });
        await using (client)
        {
            await client.SubscribeAsync([("idle/x", MqttQos.AtMostOnce)]);
            await Task.Delay(TimeSpan.FromSeconds(3.5)); // mosquitto drops a silent client after 1.5 s
            Assert.True(client.IsConnected);
            Assert.False(client.Completion.IsCompleted);
            await client.PublishAsync("idle/x"u8.ToArray(), "still here"u8.ToArray(), MqttQos.AtLeastOnce);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            Assert.Equal("still here", (await inbox.ReadAsync(cts.Token)).Payload);
        }
    }

    [Fact]
    public async Task TcpRefusedIsClassified()
    {
        var e = await Assert.ThrowsAsync<ConnectionFailedException>(() => MqttClientConnection.ConnectAsync(Tcp(Ports.Free()), new MqttClientOptions { ClientId = "x" }));
        Assert.Equal(FailureKind.TcpRefused, e.Kind);
    }

    [Fact]
    public async Task ASecondAddressOnLoopbackCanBeTheSource()
    {
        var transport = Tcp() with { LocalAddress = IPAddress.Parse("127.0.0.2") };
        await ClientHarness.RoundTripAsync(transport, "from-127-0-0-2");
    }

    [Fact]
    public async Task DuplicateClientIdIsClassifiedAsClosedByServer()
    {
        await using var first = await MqttClientConnection.ConnectAsync(Tcp(), new MqttClientOptions { ClientId = "dup" });
        await using var second = await MqttClientConnection.ConnectAsync(Tcp(), new MqttClientOptions { ClientId = "dup" });
        var reason = await first.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(FailureKind.ClosedByServer, reason!.Kind);
        Assert.True(second.IsConnected);
    }
}
