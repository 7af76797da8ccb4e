using System.Text;
using Simulator.Core.CustomAuth;
using Simulator.Core.Errors;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Tests.Mqtt;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>The 1NCE seed's commands, run as written against the gateway.</summary>
public sealed class OnceSeedFlowTests : IClassFixture<GatewayFixture>
{
    private readonly GatewayFixture _g;

    public OnceSeedFlowTests(GatewayFixture g) => _g = g;

    private TransportOptions Alpn => new() { Kind = TransportKind.Tls, Host = "localhost", Port = _g.Gateway.Port, CaFile = _g.Gateway.CaFile, Alpn = ["mqtt"] };

    private async Task<(MqttClientConnection Client, System.Threading.Channels.ChannelReader<(string Topic, string Payload, MqttQos Qos)> Inbox)> SubscriberAsync(string iccid)
    {
        var onboarding = await _g.OnboardWithCurlAsync(iccid);
        var (client, inbox) = await ClientHarness.ConnectAsync(Alpn, new MqttClientOptions { ClientId = iccid, Username = onboarding.Username, KeepAliveSeconds = 60 });
        Assert.Equal([1], await client.SubscribeAsync([($"{iccid}/#", MqttQos.AtLeastOnce)]));
        return (client, inbox);
    }

    [Fact]
    public async Task OnboardingAnswersAsTheSeedDescribes()
    {
        var iccid = _g.Fleet[0].Iccid;
        var (username, endpoint, clientId, caUrl) = await _g.OnboardWithCurlAsync(iccid);
        Assert.Equal(iccid, clientId);
        Assert.Equal("localhost", endpoint);
        Assert.StartsWith($"{iccid}?x-amz-customauthorizer-name=1nce-authorizer&x-amz-customauthorizer-signature=", username, StringComparison.Ordinal);
        Assert.Contains("&token=", username, StringComparison.Ordinal);
        var creds = CustomAuthCredentials.FromUsername(username, "token", out var user);
        Assert.Equal(iccid, user);
        Assert.Equal(3, creds!.Token.Split('.').Length);

        // amazonRootCaUrl serves the CA that the gateway's certificate chains to.
        var ca = await Proc.CheckAsync("curl", ["-sS", "--fail", "--cacert", _g.Gateway.CaFile, caUrl]);
        Assert.Equal(File.ReadAllText(_g.Gateway.CaFile), ca);

        var csv = await Proc.CheckAsync("curl", ["-sS", "--fail", "--cacert", _g.Gateway.CaFile, "-H", $"X-Sim-Iccid: {iccid}", "-H", "Accept: text/csv", _g.Url("/device-api/onboarding/mqtt/tokens")]);
        var fields = Simulator.Core.NrfCloud.NrfCloudCsv.Parse(csv).Single().Fields;
        Assert.Equal(4, fields.Length);
        Assert.Equal(iccid, fields[2]);
        Assert.StartsWith(iccid + "?x-amz-customauthorizer-name=", fields[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 400)]
    [InlineData("8988228066000000010", 400)]   // wrong check digit
    [InlineData("8988228066000000013", 404)]   // valid, but not a SIM of this fleet
    public async Task OnboardingErrorsCarryStatusTextAndErrors(string? iccid, int status)
    {
        var args = new List<string> { "-sS", "-o", "-", "-w", "\n%{http_code}", "--cacert", _g.Gateway.CaFile, _g.Url("/device-api/onboarding/mqtt/tokens") };
        if (iccid is not null)
        {
            args.AddRange(["-H", $"X-Sim-Iccid: {iccid}"]);
        }

        var output = await Proc.CheckAsync("curl", args);
        var lines = output.Trim().Split('\n');
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), lines[^1]);
        Assert.Contains("\"statusText\"", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"errors\":[", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSeedsMosquittoPubCommandPublishes()
    {
        var iccid = _g.Fleet[1].Iccid;
        var (subscriber, _) = await SubscriberAsync(iccid);
        var (username, _, _, _) = await _g.OnboardWithCurlAsync(iccid);
        var published = _g.Gateway.Counters.Published;

        // mosquitto_pub -h <endpoint> -p 443 -u "<username>" -t "<iccid>/test" --cafile AmazonRootCA1.pem -i <iccid> --tls-alpn mqtt -d -m "`date`"
        // with -q 1 added, so that mosquitto_pub waits for the gateway's PUBACK, sent only after the policy allowed the publish.
        var output = await Proc.CheckAsync("mosquitto_pub", ["-h", "localhost", "-p", _g.Port, "-u", username, "-t", $"{iccid}/test", "--cafile", _g.Gateway.CaFile, "-i", iccid, "--tls-alpn", "mqtt", "-d", "-m", DateTime.UtcNow.ToString("R"), "-q", "1"]);
        Assert.Contains("received CONNACK (0)", output, StringComparison.Ordinal);
        Assert.Contains("received PUBACK", output, StringComparison.Ordinal);
        Assert.True(_g.Gateway.Counters.Published > published);

        // The seed's -i <iccid> displaced our subscriber with the same client id (DUPLICATE_CLIENTID), exactly as AWS does.
        var reason = await subscriber.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(FailureKind.ClosedByServer, reason!.Kind);
        await subscriber.DisposeAsync();
    }

    [Fact]
    public async Task TheSeedsCurlHttpPublishReturns200AndIsDelivered()
    {
        var iccid = _g.Fleet[2].Iccid;
        var (subscriber, inbox) = await SubscriberAsync(iccid);
        await using (subscriber)
        {
            var (username, _, clientId, _) = await _g.OnboardWithCurlAsync(iccid);
            var query = username[(username.IndexOf('?', StringComparison.Ordinal) + 1)..];

            // curl -X POST 'https://<endpoint>/topics/<clientId>/messages?qos=1&x-amz-customauthorizer-name=…&…signature=…&token=…' -H 'username: …' -H 'clientId: …' -d '{"data": "Lorem Ipsum"}'
            var output = await Proc.CheckAsync("curl", ["-sS", "-i", "-X", "POST", "--cacert", _g.Gateway.CaFile, _g.Url($"/topics/{clientId}/messages?qos=1&{query}"), "-H", $"username: {username}", "-H", $"clientId: {clientId}", "-d", "{\"data\": \"Lorem Ipsum\"}"]);
            Assert.StartsWith("HTTP/1.1 200 OK", output, StringComparison.Ordinal);
            Assert.Contains("content-type: application/json", output, StringComparison.OrdinalIgnoreCase);
            Assert.Matches("\\{\"message\":\"OK\",\"traceId\":\"[0-9a-f-]{36}\"\\}", output);

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var message = await inbox.ReadAsync(cts.Token);
            Assert.Equal(($"{iccid}/messages", "{\"data\": \"Lorem Ipsum\"}"), (message.Topic, message.Payload));

            // Outside the SIM's prefix: Forbidden.
            output = await Proc.CheckAsync("curl", ["-sS", "-i", "-X", "POST", "--cacert", _g.Gateway.CaFile, _g.Url($"/topics/other/messages?qos=1&{query}"), "-d", "x"]);
            Assert.StartsWith("HTTP/1.1 403", output, StringComparison.Ordinal);
            Assert.Contains("\"message\":\"Forbidden\"", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task APublishOutsideTheIccidPrefixClosesThatConnectionAndNoOther()
    {
        var a = _g.Fleet[3].Iccid;
        var b = _g.Fleet[4].Iccid;
        var (victim, _) = await SubscriberAsync(a);
        var (bystander, inbox) = await SubscriberAsync(b);
        await using (victim)
        await using (bystander)
        {
            await Assert.ThrowsAsync<ConnectionFailedException>(async () => await victim.PublishAsync(Encoding.UTF8.GetBytes($"{b}/steal"), "x"u8.ToArray(), MqttQos.AtLeastOnce));
            var reason = await victim.Completion.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(FailureKind.ClosedAfterPublish, reason!.Kind);

            Assert.True(bystander.IsConnected);
            await bystander.PublishAsync(Encoding.UTF8.GetBytes($"{b}/ok"), "fine"u8.ToArray(), MqttQos.AtLeastOnce);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            Assert.Equal("fine", (await inbox.ReadAsync(cts.Token)).Payload);
        }
    }

    [Fact]
    public async Task ABadSignatureNeverReachesTheAuthorizer()
    {
        var iccid = _g.Fleet[5].Iccid;
        var (username, _, _, _) = await _g.OnboardWithCurlAsync(iccid);
        var creds = CustomAuthCredentials.FromUsername(username, "token", out _)!;
        var good = creds with { AuthorizerName = "signed-1nce" };
        var bad = good with { Signature = Convert.ToBase64String(new byte[256]) };

        var calls = _g.Gateway.Counters.AuthorizerCalls;
        var e = await Assert.ThrowsAsync<ConnectionFailedException>(() =>
            MqttClientConnection.ConnectAsync(Alpn, new MqttClientOptions { ClientId = iccid, Username = bad.ToUsername(iccid) }));
        Assert.Equal(FailureKind.ClosedAfterConnect, e.Kind);
        Assert.Equal(calls, _g.Gateway.Counters.AuthorizerCalls);
        Assert.True(_g.Gateway.Counters.Denies[Simulator.Gateway.Auth.DenyReason.BadSignature] >= 1);

        // The same token with its real signature passes the signing-enabled authorizer.
        await using var ok = await MqttClientConnection.ConnectAsync(Alpn, new MqttClientOptions { ClientId = iccid, Username = good.ToUsername(iccid) });
        Assert.Equal(calls + 1, _g.Gateway.Counters.AuthorizerCalls);
    }

    [Theory]
    [MemberData(nameof(Transport.TlsProviderTests.Providers), MemberType = typeof(Transport.TlsProviderTests))]
    public async Task OurClientConnectsOverWssWithHeadersAndTheSeedsSubprotocol(TlsProvider tls)
    {
        var iccid = _g.Fleet[tls == TlsProvider.OpenSsl ? 6 : 7].Iccid;
        var (username, _, _, _) = await _g.OnboardWithCurlAsync(iccid);
        var creds = CustomAuthCredentials.FromUsername(username, "token", out _)!;
        var transport = new TransportOptions
        {
            Kind = TransportKind.SecureWebSocket,
            Host = "localhost",
            Port = _g.Gateway.Port,
            CaFile = _g.Gateway.CaFile,
            WebSocketSubprotocol = "mqttv3.1",
            Headers = [new("X-Amz-CustomAuthorizer-Name", "1nce-authorizer"), new("token", creds.Token)],
            Tls = tls,
        };
        var (client, inbox) = await ClientHarness.ConnectAsync(transport, new MqttClientOptions { ClientId = iccid });
        await using (client)
        {
            Assert.True(client.Timings.WebSocketMs >= 0);
            await client.SubscribeAsync([($"{iccid}/ws", MqttQos.AtLeastOnce)]);
            await client.PublishAsync(Encoding.UTF8.GetBytes($"{iccid}/ws"), "over wss"u8.ToArray(), MqttQos.AtLeastOnce);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            Assert.Equal("over wss", (await inbox.ReadAsync(cts.Token)).Payload);
        }
    }
}
