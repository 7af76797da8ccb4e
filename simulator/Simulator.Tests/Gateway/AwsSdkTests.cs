using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

public sealed class AwsSdkTests : IClassFixture<AwsEndpointGatewayFixture>
{
    private readonly AwsEndpointGatewayFixture _g;

    public AwsSdkTests(AwsEndpointGatewayFixture g) => _g = g;

    [Fact]
    public async Task TheAwsIotDeviceSdkConnectsWithWssCustomAuthSubscribesAndReceivesItsOwnPublish()
    {
        var iccid = _g.Fleet[0].Iccid;
        var json = await Proc.CheckAsync("curl", ["-sS", "--fail", "--cacert", _g.Gateway.CaFile, "--resolve", $"{AwsEndpointGatewayFixture.AwsLikeEndpoint}:{_g.Port}:127.0.0.1", "-H", $"X-Sim-Iccid: {iccid}", _g.Url("/device-api/onboarding/mqtt/tokens")]);
        var result = await Proc.RunAsync(
            "node",
            ["-r", "./resolve-local.js", "aws-sdk-wss-custom-auth.js", json, _g.Port],
            workingDirectory: Peers.NodeDir,
            timeoutMs: 30_000,
            env: new Dictionary<string, string> { ["NODE_EXTRA_CA_CERTS"] = _g.Gateway.CaFile });
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains("connected", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"message {iccid}/sdk {{\"hello\":\"from the AWS SDK\"}}", result.Stdout, StringComparison.Ordinal);
    }
}
