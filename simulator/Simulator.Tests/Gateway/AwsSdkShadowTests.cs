using System.Text.Json;
using Simulator.Gateway;
using Simulator.Gateway.Config;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>
/// The gateway's Device Shadow service against the AWS IoT Device SDK (v1)'s <c>thingShadow</c>
/// over wss-custom-auth: the SDK's own client tokens, version tracking and delta handling drive a
/// shadow through get (404), update, delta, get and delete, and accept every answer the gateway gives.
/// </summary>
public sealed class AwsSdkShadowTests : IAsyncLifetime
{
    private const string Open = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}""";
    private readonly TempDir _dir = new();
    private TestLambda _lambda = null!;
    private LocalGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _lambda = await TestLambda.StartAsync((_, _) =>
            $$"""{"isAuthenticated":true,"principalId":"shadowed","disconnectAfterInSeconds":3600,"refreshAfterInSeconds":300,"policyDocuments":[{{JsonSerializer.Serialize(Open)}}]}""");
        _gateway = await LocalGateway.StartAsync(new GatewayOptions
        {
            DataDirectory = _dir["data"],
            EndpointName = AwsEndpointGatewayFixture.AwsLikeEndpoint,
            Quotas = new QuotaOptions { ConnectsPerSecondPerClientId = 0 },
            Authorizers = [new() { Name = "shadow-lambda", Type = "http", SigningDisabled = true, TokenKeyName = "x-token", CalloutUrl = _lambda.Url }],
            DefaultAuthorizer = "shadow-lambda",
        });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _lambda.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task TheSdksThingShadowWalksAShadowThroughGetUpdateDeltaAndDelete()
    {
        var result = await Proc.RunAsync(
            "node",
            ["-r", "./resolve-local.js", "aws-sdk-thing-shadow.js", AwsEndpointGatewayFixture.AwsLikeEndpoint, _gateway.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "shadow-lambda", "x-token", "t", "tracker-7"],
            workingDirectory: Peers.NodeDir,
            timeoutMs: 40_000,
            env: new Dictionary<string, string> { ["NODE_EXTRA_CA_CERTS"] = _gateway.CaFile });
        var output = result.Stdout + result.Stderr;
        Assert.True(result.ExitCode == 0, output);
        var lines = result.Stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

        Assert.Contains(lines, l => l.StartsWith("status get-missing rejected ", StringComparison.Ordinal) && l.Contains("\"code\":404", StringComparison.Ordinal));
        var report = lines.Single(l => l.StartsWith("status report accepted ", StringComparison.Ordinal));
        Assert.Contains("\"reported\":{\"temp\":21.5,\"fw\":\"1.2.0\"}", report, StringComparison.Ordinal);
        Assert.Contains("\"version\":1", report, StringComparison.Ordinal);
        Assert.Contains(lines, l => l == "delta {\"temp\":19} version 2");
        var all = JsonDocument.Parse(lines.Single(l => l.StartsWith("status get-all accepted ", StringComparison.Ordinal))["status get-all accepted ".Length..]).RootElement;
        Assert.Equal(19, all.GetProperty("state").GetProperty("desired").GetProperty("temp").GetInt32());
        Assert.Equal(21.5, all.GetProperty("state").GetProperty("reported").GetProperty("temp").GetDouble());
        Assert.Equal(19, all.GetProperty("state").GetProperty("delta").GetProperty("temp").GetInt32()); // desired differs from reported
        Assert.Equal(2, all.GetProperty("version").GetInt32());
        Assert.Contains(lines, l => l.StartsWith("status delete accepted ", StringComparison.Ordinal));
        Assert.Contains("done", lines);
    }
}
