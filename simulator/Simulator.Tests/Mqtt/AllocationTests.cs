using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Tests.Support;

namespace Simulator.Tests.Mqtt;

[CollectionDefinition(nameof(AllocationCollection), DisableParallelization = true)]
public sealed class AllocationCollection;

/// <summary>Counts every byte the process allocates while publishing and receiving (no other test runs meanwhile).</summary>
[Collection(nameof(AllocationCollection))]
public sealed class AllocationTests : IClassFixture<Mosquitto>
{
    private readonly Mosquitto _broker;

    public AllocationTests(Mosquitto broker) => _broker = broker;

    [Theory]
    [InlineData(MqttQos.AtMostOnce, "tcp")]
    [InlineData(MqttQos.AtLeastOnce, "tcp")]
    [InlineData(MqttQos.AtMostOnce, "tls-openssl")]
    [InlineData(MqttQos.AtLeastOnce, "tls-openssl")]
    [InlineData(MqttQos.AtMostOnce, "tcp", MqttVersion.V500)]
    [InlineData(MqttQos.AtLeastOnce, "tcp", MqttVersion.V500)]
    [InlineData(MqttQos.AtLeastOnce, "tls-openssl", MqttVersion.V500)]
    public async Task PublishAndReceiveAllocateNothingInSteadyState(MqttQos qos, string over, MqttVersion version = MqttVersion.V311)
    {
        var transport = over == "tcp"
            ? new TransportOptions { Kind = TransportKind.Tcp, Host = "127.0.0.1", Port = _broker.TcpPort }
            : new TransportOptions { Kind = TransportKind.Tls, Host = "localhost", Port = _broker.TlsPort, CaFile = _broker.Ca.CaFile, Tls = TlsProvider.OpenSsl };
        // At MQTT 5 every PUBLISH carries properties both ways and names its topic by an alias.
        var options = new MqttClientOptions { ClientId = $"alloc-{qos}-{over}-{version}", KeepAliveSeconds = 0, Version = version };
        if (version == MqttVersion.V500)
        {
            options = options with { PublishProperties = new MqttProperties { ContentType = "application/json", UserProperties = [new("fw", "2.0.1")] }.Encode() };
        }

        await using var client = await MqttClientConnection.ConnectAsync(transport, options);
        var received = 0;
        var target = 0;
        var done = new SemaphoreSlim(0);
        client.MessageReceived = (in PublishPacket m) =>
        {
            if (Interlocked.Increment(ref received) == Volatile.Read(ref target))
            {
                done.Release();
            }
        };
        var topic = System.Text.Encoding.UTF8.GetBytes($"alloc/{qos}/{over}/{version}");
        await client.SubscribeAsync([(System.Text.Encoding.UTF8.GetString(topic), qos)]);
        var payload = new byte[256];

        async Task Run(int count)
        {
            Volatile.Write(ref target, Volatile.Read(ref received) + count);
            for (var i = 0; i < count; i++)
            {
                await client.PublishAsync(topic, payload, qos);
            }

            Assert.True(await done.WaitAsync(TimeSpan.FromSeconds(30)));
        }

        await Run(2000); // warm-up: JIT, tiering, pools
        await Run(2000);
        // The count is process-wide (the client hops threads), so the test runner's own work can
        // land in a window: the best of five windows is the client's steady state (an allocation
        // on the hot path shows in every window; a stray one from elsewhere does not).
        using var sampler = new AllocationSampler();
        var best = double.MaxValue;
        for (var window = 0; window < 5 && best > 0; window++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            await Run(5000);
            best = Math.Min(best, (GC.GetTotalAllocatedBytes(precise: true) - before) / 5000.0);
        }

        Assert.True(best < 1.0, $"{best:F1} bytes allocated per publish+receive; sampled: {sampler.Top()}");
        Assert.Equal(version == MqttVersion.V500 ? 1 : 0, client.AliasesInUse);
    }
}
