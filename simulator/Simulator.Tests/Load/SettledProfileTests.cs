using System.Text;
using Simulator.Core.Errors;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Mqtt;
using Simulator.Core.Transport;
using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

/// <summary>What a run reads of its profile is settled once, at load: the MQTT version as the protocol's enum, the TLS provider resolved, topics split around their {id}.</summary>
public sealed class SettledProfileTests
{
    private static RunOptions Load(string device, string transport = "\"kind\": \"mqtt-alpn\"") => ProfileLoader.Parse(Encoding.UTF8.GetBytes($$"""
        { "name": "settled", "target": { "kind": "embedded" }, "fleet": { "count": 2, "seed": "1" }, "token": { "source": "device-jwt" },
          "transport": { {{transport}} }, "device": { {{device}} }, "phases": [ { "kind": "ramp", "rate": 1 } ] }
        """), "p.json");

    [Fact]
    public void TheMqttVersionIsTheProtocolsEnumAndOnlyItsTwoLevelsLoad()
    {
        Assert.Equal(MqttVersion.V311, Load("\"qos\": 1").Device.MqttVersion);
        Assert.Equal(MqttVersion.V500, Load("\"mqttVersion\": 5").Device.MqttVersion);
        var e = Assert.Throws<InputException>(() => Load("\"mqttVersion\": 3"));
        Assert.Equal("$.device.mqttVersion", e.Field);
        Assert.Contains("got 3", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("openssl")]
    [InlineData("sslstream")]
    public void TheTlsProviderIsResolvedOnceAndTheProfilesWordIsKept(string tls)
    {
        var options = Load("\"qos\": 1", $"\"kind\": \"mqtt-alpn\", \"tls\": \"{tls}\"");
        Assert.NotEqual(TlsProvider.Auto, options.Transport.ResolvedTls); // every connect gets a concrete provider
        Assert.Equal(TlsProviders.Resolve(options.Transport.Tls), options.Transport.ResolvedTls);
        Assert.Equal(tls == "auto", options.Transport.Tls == TlsProvider.Auto); // the report and the written profile keep "auto"
    }

    [Theory]
    [InlineData("{id}/telemetry", "dev-1", "dev-1/telemetry")]
    [InlineData("fleet/{id}/up/{id}", "d", "fleet/d/up/d")]
    [InlineData("fleet/all", "d", "fleet/all")]
    [InlineData("{id}", "89882806660000000001", "89882806660000000001")]
    public void ATopicTemplateIsSplitOnceAndJoinedAroundEachId(string template, string id, string topic)
    {
        var t = TopicTemplate.Parse(template);
        Assert.Equal(topic, t.For(id));
        Assert.Equal(Encoding.UTF8.GetBytes(topic), t.Utf8For(id));
        Assert.Equal(template, t.Text);
    }

    [Theory]
    [InlineData("a/b/c/d/e/f/g/h/{id}", true)] // 8 slashes: AWS allows 7
    [InlineData("a/b/c/d/e/f/g/{id}", false)]
    public void AnAwsShapedTargetsTopicLimitsAreCheckedAtLoad(string topic, bool refused)
    {
        var device = $"\"topic\": \"{topic}\"";
        if (refused)
        {
            var e = Assert.Throws<InputException>(() => Load(device));
            Assert.Equal("$.device.topic", e.Field);
            Assert.Contains("forward slashes", e.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(topic, Load(device).Device.Topic);
        }

        // 257 bytes before any id: past AWS's 256.
        var e2 = Assert.Throws<InputException>(() => Load($"\"topic\": \"{new string('t', 257)}/{{id}}\""));
        Assert.Contains("256 bytes", e2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATopicIsMeasuredWithTheClientIdsTheFleetWillHave()
    {
        // A generated fleet's device ids are UUIDs, 36 characters: 219 + "/" + 36 = 256 bytes fits, 220 does not.
        Assert.Equal(219 + 5, Load($"\"topic\": \"{new string('t', 219)}/{{id}}\"").Device.Topic.Length);
        var e = Assert.Throws<InputException>(() => Load($"\"topic\": \"{new string('t', 220)}/{{id}}\""));
        Assert.Equal("$.device.topic", e.Field);
        Assert.Contains("is 257 bytes with its device ids (36 characters each)", e.Message, StringComparison.Ordinal);

        // Two ids count twice: 190 + 2 + 72 = 264 bytes (192 without the ids).
        Assert.Throws<InputException>(() => Load($"\"topic\": \"{new string('t', 190)}/{{id}}/{{id}}\""));
    }

    [Fact]
    public void AnotherBrokersTopicsAreItsOwnBusiness()
    {
        // A plain MQTT broker (mosquitto has no such quota): the deep topic loads.
        var options = ProfileLoader.Parse(Encoding.UTF8.GetBytes("""
            { "name": "deep", "target": { "kind": "endpoint", "host": "127.0.0.1", "port": 1883 }, "fleet": { "count": 2, "seed": "1" }, "token": { "source": "device-jwt" },
              "transport": { "kind": "mqtt-tcp" }, "device": { "topic": "a/b/c/d/e/f/g/h/i/{id}" }, "phases": [ { "kind": "ramp", "rate": 1 } ] }
            """), "p.json");
        Assert.Equal("a/b/c/d/e/f/g/h/i/{id}", options.Device.Topic);
    }
}
