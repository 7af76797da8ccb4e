using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>
/// The AWS IoT Device SDK v2 (npm aws-iot-device-sdk-v2 1.28.0, over aws-crt's prebuilt native
/// client), built the way AWS's custom-authorizer samples build it, in both of its forms: direct
/// (TLS with ALPN "mqtt") and WebSockets (a bare upgrade, the custom-auth values in the MQTT
/// username). Each connects, subscribes, publishes and receives its own message.
/// </summary>
public sealed class AwsSdkV2Tests : IClassFixture<GatewayFixture>
{
    private readonly GatewayFixture _g;

    public AwsSdkV2Tests(GatewayFixture g) => _g = g;

    /// <param name="signed">The signed form (a signing-enabled authorizer checks the token signature) or the unsigned username-and-password form.</param>
    [Theory]
    [InlineData("direct", true, 2)]
    [InlineData("websocket", true, 3)]
    [InlineData("direct", false, 4)]
    [InlineData("websocket", false, 5)]
    public async Task TheSdkV2ConnectsWithACustomAuthorizerAndReceivesItsOwnPublish(string mode, bool signed, int device)
    {
        var onboarded = await _g.OnboardWithCurlAsync(_g.Fleet[device].Iccid);
        var query = System.Web.HttpUtility.ParseQueryString(onboarded.Username[(onboarded.Username.IndexOf('?', StringComparison.Ordinal) + 1)..]);
        var authorizer = signed ? "signed-1nce" : "1nce-authorizer";
        var signature = signed ? query["x-amz-customauthorizer-signature"]! : "-";
        var calls = _g.Gateway.Counters.AuthorizerCalls;
        var result = await Proc.RunAsync(
            "node",
            ["aws-sdk-v2-custom-auth.js", mode, "localhost", _g.Port, _g.Gateway.CaFile, onboarded.ClientId, authorizer, "token", query["token"]!, signature],
            workingDirectory: Peers.NodeDir,
            timeoutMs: 40_000);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stdout}{result.Stderr}");
        Assert.Contains("connected", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"message {onboarded.ClientId}/sdk-v2 {{\"hello\":\"from the AWS SDK v2 ({mode})\"}}", result.Stdout, StringComparison.Ordinal);
        Assert.True(_g.Gateway.Counters.AuthorizerCalls > calls, "custom auth ran");
    }
}
