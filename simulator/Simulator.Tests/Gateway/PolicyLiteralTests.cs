using Simulator.Core.Identity;
using Simulator.Gateway.Policy;
using Simulator.Tests.Cli;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>A policy variable's value is literal, and an HTTPS publish has no client id for a header to claim.</summary>
public sealed class PolicyLiteralTests
{
    private static readonly IotArn Arn = new("eu-central-1", "123456789012");

    private static IotPolicy Policy(string resource) => IotPolicy.Parse([$$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Publish","Resource":"{{resource}}"}]}"""]);

    [Fact]
    public void ASubstitutedValueMatchesOnlyItselfAndAnUnknownVariableMatchesNothing()
    {
        var own = Policy("arn:aws:iot:eu-central-1:123456789012:topic/${iot:ClientId}/*");
        Assert.True(own.IsAllowed(IotAction.Publish, Arn.Topic("dev1/x"), new PolicyContext("dev1")));
        Assert.False(own.IsAllowed(IotAction.Publish, Arn.Topic("dev2/x"), new PolicyContext("*")));
        Assert.True(own.IsAllowed(IotAction.Publish, Arn.Topic("*/x"), new PolicyContext("*")));
        Assert.False(own.IsAllowed(IotAction.Publish, Arn.Topic("ab/x"), new PolicyContext("a?")));
        Assert.False(own.IsAllowed(IotAction.Publish, Arn.Topic("dev1/x"), PolicyContext.Http));

        // A custom-auth principal is attached to no thing and has no certificate: those variables never resolve, so the statement grants nothing (not the client id's topics).
        var thing = Policy("arn:aws:iot:eu-central-1:123456789012:topic/${iot:Connection.Thing.ThingName}/*");
        Assert.False(thing.IsAllowed(IotAction.Publish, Arn.Topic("dev1/x"), new PolicyContext("dev1")));
        Assert.False(thing.IsAllowed(IotAction.Publish, Arn.Topic("/x"), new PolicyContext("dev1")));
        var certificate = Policy("arn:aws:iot:eu-central-1:123456789012:topic/${iot:Certificate.Subject.CommonName}/*");
        Assert.False(certificate.IsAllowed(IotAction.Publish, Arn.Topic("dev1/x"), new PolicyContext("dev1")));

        // IAM's escapes: $(*) is a literal star, $($) a dollar.
        var star = Policy("arn:aws:iot:eu-central-1:123456789012:topic/a$(*)/$($)x");
        Assert.True(star.IsAllowed(IotAction.Publish, Arn.Topic("a*/$x"), PolicyContext.Http));
        Assert.False(star.IsAllowed(IotAction.Publish, Arn.Topic("ab/$x"), PolicyContext.Http));
    }

    [Fact]
    public void ConnectAttributeConditionsFollowIamsRulesAndAnyOtherConditionIsRefused()
    {
        var client = Arn.Client("dev1");
        PolicyContext Attributes(params string[] a) => new("dev1", ConnectAttributes: a);

        // AWS's example: connect allowed with no attribute beyond PersistentConnect.
        var persistentOnly = IotPolicy.Parse(["""{"Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":{"ForAllValues:StringEquals":{"iot:ConnectAttributes":["PersistentConnect"]}}}]}"""]);
        Assert.True(persistentOnly.IsAllowed(IotAction.Connect, client, Attributes()));
        Assert.True(persistentOnly.IsAllowed(IotAction.Connect, client, Attributes("PersistentConnect")));
        Assert.False(persistentOnly.IsAllowed(IotAction.Connect, client, Attributes("LastWill")));
        Assert.False(persistentOnly.IsAllowed(IotAction.Connect, client, Attributes("PersistentConnect", "LastWill")));

        // A Deny that applies when any attribute is a Will: it wins over the Allow only then.
        var noWill = IotPolicy.Parse(["""{"Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"},{"Effect":"Deny","Action":"iot:Connect","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"iot:ConnectAttributes":"LastWill"}}}]}"""]);
        Assert.True(noWill.IsAllowed(IotAction.Connect, client, Attributes("PersistentConnect")));
        Assert.False(noWill.IsAllowed(IotAction.Connect, client, Attributes("LastWill")));
        Assert.True(noWill.IsAllowed(IotAction.Publish, Arn.Topic("dev1/x"), new PolicyContext("dev1")));

        // What the gateway cannot evaluate makes the policy invalid, never silently true or false.
        var key = Assert.Throws<FormatException>(() => IotPolicy.Parse(["""{"Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":{"StringEquals":{"aws:SourceIp":"10.0.0.1"}}}]}"""]));
        Assert.Contains("aws:SourceIp", key.Message, StringComparison.Ordinal);
        var op = Assert.Throws<FormatException>(() => IotPolicy.Parse(["""{"Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*","Condition":{"IpAddress":{"iot:ConnectAttributes":"x"}}}]}"""]));
        Assert.Contains("IpAddress", op.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnHttpsPublishCannotClaimAnotherDevicesClientIdByHeader()
    {
        using var tmp = new TempDir();
        var fleet = FleetStore.Create(new FleetSpec { Seed = 9, Count = 2 }, tmp["fleet"]);
        await using var gateway = await Simulator.Gateway.LocalGateway.StartAsync(new Simulator.Gateway.Config.GatewayOptions
        {
            DataDirectory = tmp["data"],
            FleetDirectory = tmp["fleet"],
            Authorizers =
            [
                new() { Name = "device-jwt", Type = "device-jwt", SigningDisabled = true },

                // A template that names topics by ${iot:ClientId}, as many real policies do.
                new() { Name = "by-client-id", Type = "device-jwt", SigningDisabled = true, PolicyTemplate = Simulator.Gateway.Auth.DeviceJwtAuthorizer.DefaultTemplate.Replace("topic/{deviceId}/*", "topic/${iot:ClientId}/*", StringComparison.Ordinal) },
            ],
        });
        var me = fleet[0].DeviceId;
        var other = fleet[1].DeviceId;
        var token = (await CliRunner.RunAsync("token", "--fleet", tmp["fleet"], "--device", "0")).Out.Trim();
        async Task<string> PublishAsync(string topic, string? clientId, string authorizer = "device-jwt")
        {
            var args = new List<string> { "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", gateway.CaFile, "-X", "POST", $"https://localhost:{gateway.Port}/topics/{topic}?qos=1", "-H", $"x-amz-customauthorizer-name: {authorizer}", "-H", $"token: {token}", "-d", "x" };
            if (clientId is not null)
            {
                args.AddRange(["-H", $"clientId: {clientId}"]);
            }

            return await Proc.CheckAsync("curl", args);
        }

        // The default template names the device itself: its own topics, over HTTPS too, and nobody else's.
        Assert.Equal("200", await PublishAsync($"{me}/telemetry", null));
        Assert.Equal("403", await PublishAsync($"{other}/telemetry", other));
        Assert.Equal("403", await PublishAsync($"{other}/telemetry", null));

        // A token without exp would never expire: the device-jwt authorizer refuses it.
        var forever = (await CliRunner.RunAsync("token", "--fleet", tmp["fleet"], "--device", "0", "--ttl", "0")).Out.Trim();
        Assert.Equal("200", await PublishAsync($"{me}/telemetry", null));
        (token, forever) = (forever, token);
        Assert.Equal("403", await PublishAsync($"{me}/telemetry", null));
        token = forever;

        // A ${iot:ClientId} policy: a header cannot supply the client id an HTTPS publish does not have, nor "*" open every topic.
        Assert.Equal("403", await PublishAsync($"{other}/telemetry", other, "by-client-id"));
        Assert.Equal("403", await PublishAsync($"{other}/telemetry", "*", "by-client-id"));
        Assert.Equal("403", await PublishAsync($"{me}/telemetry", me, "by-client-id"));
    }

    [Fact]
    public void ADeviceIdIsWrittenIntoThePolicyLiterally()
    {
        var text = Simulator.Gateway.Auth.DeviceJwtAuthorizer.PolicyText("a*\"b");
        var policy = Policy("arn:aws:iot:eu-central-1:123456789012:topic/" + text + "/*");
        Assert.True(policy.IsAllowed(IotAction.Publish, Arn.Topic("a*\"b/x"), PolicyContext.Http));
        Assert.False(policy.IsAllowed(IotAction.Publish, Arn.Topic("aZZ\"b/x"), PolicyContext.Http));
    }
}
