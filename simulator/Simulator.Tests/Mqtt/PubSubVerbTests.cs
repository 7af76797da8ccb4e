using System.Diagnostics;
using Simulator.Tests.Cli;
using Simulator.Tests.Support;

namespace Simulator.Tests.Mqtt;

/// <summary><c>simulator pub</c>/<c>sub</c> against mosquitto_sub/mosquitto_pub, both directions, over TCP and TLS.</summary>
public sealed class PubSubVerbTests : IClassFixture<Mosquitto>
{
    private readonly Mosquitto _broker;

    public PubSubVerbTests(Mosquitto broker) => _broker = broker;

    private static string P(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task SimulatorPubReachesMosquittoSub()
    {
        var sub = Proc.RunAsync("mosquitto_sub", ["-h", "127.0.0.1", "-p", P(_broker.TcpPort), "-t", "verbs/one", "-C", "1", "-W", "15", "-v"], timeoutMs: 20_000);
        var deadline = Stopwatch.StartNew();
        while (!sub.IsCompleted && deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            var r = await CliRunner.RunAsync("pub", "-h", "127.0.0.1", "-p", P(_broker.TcpPort), "-t", "verbs/one", "-m", "hello from simulator", "-q", "1");
            Assert.True(r.Code == 0, r.Err);
            await Task.WhenAny(sub, Task.Delay(300));
        }

        var result = await sub;
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("verbs/one hello from simulator", result.Stdout.Trim());
    }

    [Fact]
    public async Task MosquittoPubReachesSimulatorSubOverTls()
    {
        var sub = CliRunner.RunAsync("sub", "-h", "localhost", "-p", P(_broker.TlsPort), "--cafile", _broker.Ca.CaFile, "-t", "verbs/two", "-C", "1", "-W", "15", "-q", "1", "-v");
        var deadline = Stopwatch.StartNew();
        while (!sub.IsCompleted && deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Proc.CheckAsync("mosquitto_pub", ["-h", "localhost", "-p", P(_broker.TlsPort), "--cafile", _broker.Ca.CaFile, "-t", "verbs/two", "-m", "hello from mosquitto", "-q", "1"]);
            await Task.WhenAny(sub, Task.Delay(300));
        }

        var (code, output, err) = await sub;
        Assert.True(code == 0, err);
        Assert.Equal("verbs/two hello from mosquitto", output.Trim());
    }

    [Fact]
    public async Task TimingsAndClassifiedFailuresArePrinted()
    {
        var r = await CliRunner.RunAsync("pub", "-h", "127.0.0.1", "-p", P(_broker.TcpPort), "-t", "verbs/three", "-m", "x", "--timings");
        Assert.Equal(0, r.Code);
        Assert.Matches(@"timings: dns=[0-9.]+ms tcp=[0-9.]+ms tls=-ms ws=-ms connack=[0-9.]+ms total=[0-9.]+ms", r.Err);

        r = await CliRunner.RunAsync("pub", "-h", "127.0.0.1", "-p", P(_broker.AuthPort), "-t", "x", "-m", "x", "-u", Mosquitto.User, "-P", "nope");
        Assert.Equal(1, r.Code);
        Assert.Contains("ConnAckRefused: CONNACK 5", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("nope", r.Err, StringComparison.Ordinal);

        r = await CliRunner.RunAsync("pub", "-h", "127.0.0.1", "-p", P(_broker.TcpPort), "-t", "x", "-m", "x", "-q", "2");
        Assert.Equal(2, r.Code);
    }

    [Fact]
    public async Task MqttFiveBothWaysWithReasonCodesAsMosquittoNamesIt()
    {
        var sub = Proc.RunAsync("mosquitto_sub", ["-V", "mqttv5", "-h", "127.0.0.1", "-p", P(_broker.TcpPort), "-t", "verbs/v5", "-C", "1", "-W", "15", "-v"], timeoutMs: 20_000);
        var deadline = Stopwatch.StartNew();
        while (!sub.IsCompleted && deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            var r = await CliRunner.RunAsync("pub", "-V", "mqttv5", "-h", "127.0.0.1", "-p", P(_broker.TcpPort), "-t", "verbs/v5", "-m", "v5 from simulator", "-q", "1");
            Assert.True(r.Code == 0, r.Err);
            await Task.WhenAny(sub, Task.Delay(300));
        }

        Assert.Equal("verbs/v5 v5 from simulator", (await sub).Stdout.Trim());

        var ours = CliRunner.RunAsync("sub", "-V", "5", "-x", "60", "-h", "127.0.0.1", "-p", P(_broker.TcpPort), "-t", "verbs/v5b", "-C", "1", "-W", "15", "-q", "1", "-v", "-d");
        deadline.Restart();
        while (!ours.IsCompleted && deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Proc.CheckAsync("mosquitto_pub", ["-V", "mqttv5", "-h", "127.0.0.1", "-p", P(_broker.TcpPort), "-t", "verbs/v5b", "-m", "v5 from mosquitto", "-q", "1"]);
            await Task.WhenAny(ours, Task.Delay(300));
        }

        var (code, output, err) = await ours;
        Assert.True(code == 0, err);
        Assert.Contains("received CONNACK (0) (topic aliases 10", output, StringComparison.Ordinal);
        Assert.Contains("verbs/v5b v5 from mosquitto", output, StringComparison.Ordinal);

        var denied = await CliRunner.RunAsync("pub", "-V", "mqttv5", "-h", "127.0.0.1", "-p", P(_broker.AuthPort), "-t", "x", "-m", "x", "-u", Mosquitto.User, "-P", "nope");
        Assert.Equal(1, denied.Code);
        Assert.Contains("ConnAck:NotAuthorized: CONNACK 0x87 (NotAuthorized)", denied.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("nope", denied.Err, StringComparison.Ordinal);

        var refused = await CliRunner.RunAsync("pub", "-V", "mqttv5", "-h", "127.0.0.1", "-p", P(_broker.AclPort), "-t", "closed/x", "-m", "x", "-q", "1");
        Assert.Equal(1, refused.Code);
        Assert.Contains("PubAck:NotAuthorized: PUBACK 0x87 (NotAuthorized)", refused.Err, StringComparison.Ordinal);

        Assert.Equal(2, (await CliRunner.RunAsync("pub", "-V", "mqttv31", "-t", "x", "-m", "x")).Code);
        var noV5 = await CliRunner.RunAsync("pub", "-x", "60", "-t", "x", "-m", "x");
        Assert.Equal(2, noV5.Code);
        Assert.Contains("-x needs MQTT 5", noV5.Err, StringComparison.Ordinal);
    }
}
