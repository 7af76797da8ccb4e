using Simulator.Core.Errors;
using Simulator.Gateway;
using Simulator.Gateway.Config;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

public sealed class GatewayConfigTests
{
    [Fact]
    public void APartialConfigKeepsEveryDefault()
    {
        var options = GatewayConfig.Load(Path.Combine(Peers.RepoRoot, "profiles", "gateway", "gateway-10k.json"));
        Assert.Equal(8443, options.Port);
        Assert.Equal(["1nce-authorizer", "device-jwt"], options.Authorizers.Select(a => a.Name));
        Assert.Equal(500, options.Quotas.ConnectsPerSecondPerAccount);
        Assert.NotNull(options.Faults);
    }

    [Fact]
    public void AnUnknownKeyNamesFileAndLine()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["g.json"], "{\n  \"port\": 1,\n  \"quotas\": { \"connectsPerMinute\": 5 }\n}");
        var e = Assert.Throws<InputException>(() => GatewayConfig.Load(tmp["g.json"]));
        Assert.Equal(3, e.Line);
        Assert.Contains("connectsPerMinute", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"mqtt5\": { \"customAuthDenyReasonCode\": 5 } }", "$.mqtt5.customAuthDenyReasonCode")] // a 3.1.1 return code
    [InlineData("{ \"mqtt5\": { \"customAuthDenyReasonCode\": 142 } }", "$.mqtt5.customAuthDenyReasonCode")] // 0x8E is DISCONNECT's, not CONNACK's
    [InlineData("{ \"mqtt5\": { \"maxSessionExpirySeconds\": 604801 } }", "$.mqtt5.maxSessionExpirySeconds")]
    [InlineData("{ \"mqtt5\": { \"receiveMaximum\": 0 } }", "$.mqtt5.receiveMaximum")]
    public void AnMqtt5ValueTheGatewayCannotAnswerWithIsRefusedByField(string json, string field)
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["g.json"], json);
        var e = Assert.Throws<InputException>(() => GatewayConfig.Load(tmp["g.json"]));
        Assert.Equal(field, e.Field);
    }

    [Theory]
    [InlineData("{ \"lambdaAccount\": { \"concurrency\": -1 } }", "$.lambdaAccount.concurrency")]
    [InlineData("{ \"lambdaAccount\": { \"concurrency\": 100, \"otherFunctionsConcurrency\": 100 } }", "$.lambdaAccount.otherFunctionsConcurrency")] // nothing left for the authorizers
    [InlineData("{ \"authorizers\": [ { \"name\": \"a\", \"type\": \"1nce\", \"lambda\": { \"scaleUpPer10Seconds\": -5 } } ] }", "$.authorizers[0].lambda.scaleUpPer10Seconds")]
    public void ALambdaScalingValueThatCannotBeIsRefusedByField(string json, string field)
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["g.json"], json);
        var e = Assert.Throws<InputException>(() => GatewayConfig.Load(tmp["g.json"]));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void LambdasScalingDefaultsAreAwss()
    {
        Assert.Equal(1000, new GatewayOptions().LambdaAccount.Concurrency); // per account and Region
        Assert.Equal(0, new GatewayOptions().LambdaAccount.OtherFunctionsConcurrency);
        Assert.Equal(1000, new LambdaOptions().ScaleUpPer10Seconds); // execution environments every 10 s, per function
    }

    [Fact]
    public void TheMqtt5DefaultsAreAwssAndOtherReadingsLoad()
    {
        Assert.Equal(0x87, new GatewayOptions().Mqtt5.CustomAuthDenyReasonCode);
        Assert.Equal(3600u, new GatewayOptions().Mqtt5.MaxSessionExpirySeconds);
        Assert.Equal((ushort)8, new GatewayOptions().Mqtt5.TopicAliasMaximum);
        using var tmp = new TempDir();
        File.WriteAllText(tmp["g.json"], "{ \"mqtt5\": { \"customAuthDenyReasonCode\": 134, \"denyWebSocketUpgradesAtConnect\": true } }");
        var options = GatewayConfig.Load(tmp["g.json"]);
        Assert.Equal(0x86, options.Mqtt5.CustomAuthDenyReasonCode);
        Assert.True(options.Mqtt5.DenyWebSocketUpgradesAtConnect);
    }
}
