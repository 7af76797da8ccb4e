using Simulator.Core.Errors;
using Simulator.Core.Load.Profiles;
using Simulator.Tests.Cli;
using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

public sealed class ProfileTests
{
    private static InputException Bad(string json)
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["p.json"], json);
        return Assert.Throws<InputException>(() => ProfileLoader.Load(tmp["p.json"]));
    }

    [Fact]
    public void EveryShippedProfileLoads()
    {
        var dir = Path.Combine(Peers.RepoRoot, "profiles");
        var files = Directory.GetFiles(dir, "*.json");
        Assert.True(files.Length >= 6, "smoke, 10k ramp, soak, AWS target, 1NCE onboarding, nRF Cloud location");
        foreach (var f in files)
        {
            var p = ProfileLoader.Load(f);
            Assert.False(string.IsNullOrEmpty(p.Name));
        }
    }

    [Fact]
    public void AnUnknownKeyNamesFileLineAndPath()
    {
        var e = Bad("{\n  \"name\": \"x\",\n  \"fleet\": {\n    \"count\": 10,\n    \"colour\": \"red\"\n  },\n  \"phases\": [{ \"kind\": \"hold\", \"seconds\": 1 }]\n}");
        Assert.Contains("colour", e.Message, StringComparison.Ordinal);
        Assert.Equal(5, e.Line);
        Assert.Equal("$.fleet.colour", e.Field);
    }

    [Fact]
    public void ARepeatedKeyNamesFileLineAndPath()
    {
        // JSON leaves repeated keys to the reader; one that took the last would run a fleet the user did not read.
        var e = Bad("{\n  \"name\": \"x\",\n  \"fleet\": {\n    \"count\": 10,\n    \"count\": 7\n  },\n  \"phases\": [{ \"kind\": \"hold\", \"seconds\": 1 }]\n}");
        Assert.Contains("count", e.Message, StringComparison.Ordinal);
        Assert.Equal(5, e.Line);
        Assert.Equal("$.fleet.count", e.Field);

        // In the gateway section too, and with --set (which reads the file first).
        var g = Bad("{\n  \"gateway\": { \"quotas\": { \"maxTopicBytes\": 256,\n \"maxTopicBytes\": 300 } },\n  \"phases\": [{ \"kind\": \"hold\", \"seconds\": 1 }]\n}");
        Assert.Contains("maxTopicBytes", g.Message, StringComparison.Ordinal);
        using var tmp = new TempDir();
        File.WriteAllText(tmp["p.json"], "{\n \"name\": \"a\",\n \"name\": \"b\"\n}");
        var set = Assert.Throws<InputException>(() => ProfileLoader.Load(tmp["p.json"], ["fleet.count=3"]));
        Assert.Equal(3, set.Line);
        Assert.DoesNotContain("same key", set.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"device\": { \"publishIntervalSeconds\": \"10\" }", "$.device.publishIntervalSeconds", "expected a number")] // a record's parameter: STJ names the record
    [InlineData("\"device\": { \"qos\": \"1\" }", "$.device.qos", "expected a whole number")]
    [InlineData("\"device\": { \"subscribe\": 1 }", "$.device.subscribe", "expected true or false")]
    [InlineData("\"fleet\": { \"count\": 5.5 }", "$.fleet.count", "expected a whole number")]
    [InlineData("\"phases\": [ { \"kind\": \"hold\", \"seconds\": \"1\" } ]", "$.phases[0].seconds", "expected a number")]
    public void AValueOfTheWrongTypeSaysWhichTypeItsKeyTakes(string body, string path, string reason)
    {
        var e = Bad("{ " + body + (body.Contains("phases", StringComparison.Ordinal) ? string.Empty : ", \"phases\": [ { \"kind\": \"hold\", \"seconds\": 1 } ]") + " }");
        Assert.Equal(path, e.Field);
        Assert.Equal(reason, e.Problem);
    }

    [Theory]
    [InlineData("{ \"kind\": \"outage\", \"seconds\": 2, \"to\": 5 }", "$.phases[1].to")]
    [InlineData("{ \"kind\": \"hold\", \"seconds\": 2, \"to\": 5 }", "$.phases[1].to")]
    [InlineData("{ \"kind\": \"hold\", \"seconds\": 2, \"rate\": 5 }", "$.phases[1].rate")]
    [InlineData("{ \"kind\": \"spike\", \"seconds\": 2, \"to\": 5, \"rate\": 5 }", "$.phases[1].rate")]
    public void APhaseKeyThePhaseDoesNotReadIsRefused(string phase, string path)
    {
        var e = Bad("{ \"fleet\": { \"count\": 10, \"seed\": \"1\" }, \"phases\": [ { \"kind\": \"ramp\", \"rate\": 10 }, " + phase + " ] }");
        Assert.Equal(path, e.Field);
        Assert.Contains("would do nothing", e.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void AnEmptyNameIsRefused(string name)
    {
        var e = Bad("{ \"name\": \"" + name + "\", \"phases\": [ { \"kind\": \"hold\", \"seconds\": 1 } ] }");
        Assert.Equal("$.name", e.Field);
    }

    [Fact]
    public void AWrongTypeNamesFileLineAndPath()
    {
        var e = Bad("{\n  \"fleet\": { \"count\": \"many\" },\n  \"phases\": []\n}");
        Assert.Equal(2, e.Line);
        Assert.Equal("$.fleet.count", e.Field);
    }

    [Theory]
    [InlineData("{\"phases\":[\n{ \"kind\": \"ramp\", \"to\": 10, \"rate\": 0 }\n]}", "$.phases[0].rate", 2)]
    [InlineData("{\"fleet\":{\"count\":5},\n\"phases\":[{ \"kind\": \"ramp\", \"to\": 10, \"rate\": 5 }]}", "$.phases[0].to", 2)]
    [InlineData("{\"device\":{\n\"qos\": 2},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.device.qos", 2)]
    [InlineData("{\"transport\":{\"kind\":\"carrier-pigeon\"},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.transport.kind", 1)]
    [InlineData("{\"fleet\":{\"shard\":\"3/2\"},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.fleet.shard", 1)]
    [InlineData("{\"phases\":[]}", "$.phases", 1)]
    [InlineData("{\"device\":{\"scenario\":\"duty-cycle\",\n\"dutyCycle\":{\n\"wakeIntervalSeconds\": 0}},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.device.dutyCycle.wakeIntervalSeconds", 3)]
    [InlineData("{\"device\":{\"scenario\":\"duty-cycle\",\"dutyCycle\":{\"mode\":\"edrx\",\n\"edrxSeconds\": 2}},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.device.dutyCycle.edrxSeconds", 2)]
    [InlineData("{\"device\":{\"scenario\":\"duty-cycle\",\"dutyCycle\":{\"mode\":\"edrx\",\n\"inactivitySeconds\": 0}},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.device.dutyCycle.inactivitySeconds", 2)]
    [InlineData("{\"device\":{\"scenario\":\"duty-cycle\"},\"phases\":[\n{ \"kind\": \"arrivals\", \"rate\": 5, \"seconds\": 1 }]}", "$.phases[0].kind", 2)]
    [InlineData("{\"device\":{\n\"mqttVersion\": 3},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.device.mqttVersion", 2)]
    [InlineData("{\"device\":{\"mqttVersion\": 5,\"mqtt5\":{\n\"sessionExpirySeconds\": 700000}},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.device.mqtt5.sessionExpirySeconds", 2)]
    [InlineData("{\"device\":{\"mqttVersion\": 5,\"mqtt5\":{\n\"messageExpirySeconds\": 0}},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.device.mqtt5.messageExpirySeconds", 2)]
    [InlineData("{\"device\":{\n\"mqtt5\":{\"topicAliases\": false}},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.device.mqtt5", 2)]
    [InlineData("{\"device\":{\"mqttVersion\": 5,\n\"cleanSession\": false},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.device.cleanSession", 2)]
    [InlineData("{\"transport\":{\"kind\":\"https-publish\"},\"device\":{\n\"mqttVersion\": 5},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.device.mqttVersion", 2)]
    [InlineData("{\"device\":{\"payload\":{\"kind\":\"template\",\n\"template\": \"{{seq\"}},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.device.payload.template", 2)]
    [InlineData("{\"device\":{\"payload\":{\n\"kind\":\"template\"}},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.device.payload.template", 1)] // a missing key: the line of its object
    [InlineData("{\"device\":{\"payload\":{\"kind\":\"template\",\"template\":\"{{seq}}\",\n\"sizeBytes\": 100}},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.device.payload.sizeBytes", 2)]
    [InlineData("{\"device\":{\"payload\":{\"kind\":\"template\",\n\"template\":\"{{pad}}\"}},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.device.payload.sizeBytes", 1)]
    [InlineData("{\"device\":{\"payload\":{\"kind\":\"random\",\n\"sizeBytes\": 200000}},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.device.payload.sizeBytes", 2)]
    [InlineData("{\"device\":{\"payload\":{\"kind\":\"random\",\"sizeBytes\": 100,\n\"sizeMaxBytes\": 50}},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.device.payload.sizeMaxBytes", 2)]
    [InlineData("{\"device\":{\"payload\":{\n\"sizeBytes\": 100}},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.device.payload.sizeBytes", 2)]
    [InlineData("{\"device\":{\"payload\":{\"kind\":\"random\",\n\"template\": \"x\",\"sizeBytes\": 10}},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.device.payload.template", 2)]
    [InlineData("{\"device\":{\"scenario\":\"nrfcloud-location\",\"payload\":{\n\"kind\":\"random\",\"sizeBytes\": 10}},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.device.payload.kind", 2)]
    [InlineData("{\"device\":{\"payload\":{\n\"kind\":\"binary\"}},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.device.payload.kind", 2)]
    [InlineData("{\"consumers\":{\"count\": 2,\n\"topic\": \"+/telemetry\"},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.consumers.topic", 2)]
    [InlineData("{\"consumers\":{\n\"count\": 101},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.consumers.count", 2)]
    [InlineData("{\"consumers\":{\"count\": 1,\n\"qos\": 2},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.consumers.qos", 2)]
    [InlineData("{\"consumers\":{\n\"topic\": \"+/telemetry\"},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.consumers.topic", 2)]
    [InlineData("{\"consumers\":{\"count\": 1,\n\"topic\": \"a/#/b\"},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.consumers.topic", 2)]
    [InlineData("{\"consumers\":{\"count\": 1,\n\"topic\": \"$share/x\"},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.consumers.topic", 2)]
    [InlineData("{\"target\":{\"kind\":\"endpoint\",\"host\":\"h\"},\"token\":{\"source\":\"device-jwt\"},\"transport\":{\"kind\":\"mqtt-alpn\"},\n\"consumers\":{\"count\": 1},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.consumers", 2)]
    [InlineData("{\"thresholds\":{\n\"consumerLossRate\": 0.01},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.thresholds.consumerLossRate", 2)]
    [InlineData("{\"consumers\":{\"count\": 1},\"thresholds\":{\n\"deliveryP99Ms\": 0},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.thresholds.deliveryP99Ms", 2)]
    [InlineData("{\"commands\":{\n\"ratePerSecond\": 2000},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.commands.ratePerSecond", 2)]
    [InlineData("{\"commands\":{\"ratePerSecond\": 5,\n\"topic\": \"+/commands\"},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.commands.topic", 2)]
    [InlineData("{\"commands\":{\n\"topic\": \"{id}/cmd\"},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.commands", 1)]
    [InlineData("{\"thresholds\":{\n\"commandP99Ms\": 100},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}", "$.thresholds.commandP99Ms", 2)]
    public void AnImpossibleValueNamesItsPathAndLine(string json, string path, int line)
    {
        var e = Bad(json);
        Assert.Equal(path, e.Field);
        Assert.Equal(line, e.Line);
    }

    [Fact]
    public void ABadTemplateSaysWhereInTheTemplateAndWhichFieldsExist()
    {
        var e = Bad("{\"device\":{\"payload\":{\"kind\":\"template\",\n\"template\": \"{\\\"t\\\":{{temp}}}\"}},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}");
        Assert.Equal("$.device.payload.template", e.Field);
        Assert.Contains("{{temp}} at character 6: not a field; the fields are deviceId, iccid, imei, index, seq, timeMs, time, random:MIN:MAX, lat, lon, pad", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRunVerbReportsBadProfilesWithExitCode2()
    {
        var r = await CliRunner.RunAsync("run", "--profile", "/nonexistent/profile.json");
        Assert.Equal(2, r.Code);
        Assert.Contains("profile not found", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSmokeProfileTakesAnyFleetSize()
    {
        var p = ProfileLoader.Load(Path.Combine(Peers.RepoRoot, "profiles", "smoke.json"), ["fleet.count=500"]);
        Assert.Equal(500, p.Fleet.Count);
        Assert.Equal(500, p.Phases[0].To); // a ramp without "to" goes to the whole fleet
    }

    [Fact]
    public void ABadOverrideIsBlamedOnTheSetNotOnTheFile()
    {
        var e = Assert.Throws<InputException>(() => ProfileLoader.Load(Path.Combine(Peers.RepoRoot, "profiles", "smoke.json"), ["fleet.count=abc"]));
        Assert.Equal("--set fleet.count=abc", e.Field);
        Assert.Null(e.Line);
        Assert.Contains("expected a whole number", e.Message, StringComparison.Ordinal);
        var range = Assert.Throws<InputException>(() => ProfileLoader.Load(Path.Combine(Peers.RepoRoot, "profiles", "smoke.json"), ["fleet.count=0"]));
        Assert.Equal("--set fleet.count=0", range.Field);
    }

    [Fact]
    public void AChoiceListsItsAllowedValuesAndNoDotNetTypeName()
    {
        var e = Bad("{\"transport\":{\"kind\":\"carrier-pigeon\"},\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}");
        Assert.Contains("\"wss-custom-auth\", \"mqtt-alpn\", \"https-publish\", \"mqtt-tcp\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("carrier-pigeon", e.Message, StringComparison.Ordinal);
        var unknown = Bad("{\n\"fleet\": { \"colour\": 1 },\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}");
        Assert.DoesNotContain("Simulator.", unknown.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", Bad("{\"fleet\": { \"count\": true }}").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OverridesApplyDottedPaths()
    {
        var p = ProfileLoader.Load(Path.Combine(Peers.RepoRoot, "profiles", "smoke.json"), ["fleet.count=2500", "transport.kind=mqtt-alpn"]);
        Assert.Equal(2500, p.Fleet.Count);
        Assert.Equal(DeviceTransportKind.MqttAlpn, p.Transport.Kind);
    }
}
