using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Simulator.Core.Scenarios;
using Simulator.Tests.Load;
using Simulator.Tests.Support;

namespace Simulator.Tests.Scenarios;

/// <summary>
/// Nordic's aws_iot firmware (device.scenario "aws-iot") against the embedded gateway's Device Shadow
/// service: under 1NCE's policy (topics under the ICCID only) every session dies at its shadow
/// subscription and each reconnect costs the authorizer an invocation; under a policy that grants
/// the thing's shadow topics it connects once and stays.
/// </summary>
public sealed class AwsIotScenarioTests
{
    /// <summary>The device-jwt authorizer's own grants plus the thing's shadow topics, as a team that uses the aws_iot library writes its policy.</summary>
    private const string ShadowGateway = """
        , "gateway": { "authorizers": [ { "name": "device-jwt", "type": "device-jwt", "signingDisabled": true, "policyTemplate": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iot:Connect\",\"Resource\":\"arn:aws:iot:{region}:{account}:client/{deviceId}\"},{\"Effect\":\"Allow\",\"Action\":[\"iot:Publish\",\"iot:Receive\"],\"Resource\":[\"arn:aws:iot:{region}:{account}:topic/{deviceId}/*\",\"arn:aws:iot:{region}:{account}:topic/$aws/things/{deviceId}/shadow/*\"]},{\"Effect\":\"Allow\",\"Action\":\"iot:Subscribe\",\"Resource\":[\"arn:aws:iot:{region}:{account}:topicfilter/{deviceId}/*\",\"arn:aws:iot:{region}:{account}:topicfilter/$aws/things/{deviceId}/shadow/*\"]}]}" } ], "defaultAuthorizer": "device-jwt" }
        """;

    private static string AwsIot(string tokens, int devices, double hold, string extra = "") =>
        RunHarness.Profile("mqtt-alpn", tokens, devices: devices, holdSeconds: hold, scenario: "aws-iot", extra: extra)
            .Replace("\"baseMilliseconds\": 100, \"maxMilliseconds\": 400", "\"baseMilliseconds\": 1100, \"maxMilliseconds\": 1400, \"jitter\": \"none\"", StringComparison.Ordinal);

    [Fact]
    public async Task Under1ncesPolicyEverySessionDiesAtTheShadowSubscriptionAndEachLoopCostsAnInvocation()
    {
        using var tmp = new TempDir();
        var (_, output, summary, _) = await RunHarness.RunAsync(AwsIot("1nce-onboarding", devices: 4, hold: 4), tmp);

        var successes = summary.GetProperty("successes").GetInt64();
        Assert.True(summary.GetProperty("drops").TryGetProperty("ClosedAfterSubscribe", out var closed), $"drops {summary.GetProperty("drops")}, failures {summary.GetProperty("failures")}\n{output}");
        var dropped = closed.GetInt64();
        Assert.True(successes >= 8, $"4 devices looping every ~1.2 s for 4 s; {successes} connects\n{output}");

        // Every session that came up was closed at its subscription, bar any still subscribing at the stop.
        Assert.InRange(dropped, successes - 4, successes);
        var subscribe = summary.GetProperty("steps").GetProperty("shadow-subscribe");
        Assert.Equal(0, subscribe.GetProperty("ok").GetInt64());
        Assert.False(summary.GetProperty("steps").TryGetProperty("shadow-get", out _), "no session got as far as its shadow request");

        // The authorizer ran once per connect: the loop's cost, counted by the target itself.
        var invocations = summary.GetProperty("targetAuthorizer").GetProperty("connectInvocations").GetInt64();
        Assert.True(invocations >= successes, $"{invocations} authorizer invocations for {successes} connects");
        Assert.True(invocations >= 2 * 4, "each device cost more than one invocation");
    }

    [Fact]
    public async Task UnderAPolicyThatGrantsTheShadowTheFirmwareConnectsOnceAndReportsItsState()
    {
        using var tmp = new TempDir();
        var (code, output, summary, _) = await RunHarness.RunAsync(AwsIot("device-jwt", devices: 4, hold: 3, extra: ShadowGateway).Replace("\"publishIntervalSeconds\": 0.5", "\"publishIntervalSeconds\": 1", StringComparison.Ordinal), tmp);

        Assert.True(code == 0, output);
        Assert.Equal(4, summary.GetProperty("successes").GetInt64());
        Assert.Empty(summary.GetProperty("drops").EnumerateObject());
        var steps = summary.GetProperty("steps");
        Assert.Equal(4, steps.GetProperty("shadow-subscribe").GetProperty("ok").GetInt64());
        Assert.Equal(4, steps.GetProperty("shadow-get").GetProperty("ok").GetInt64()); // answered (404: no shadow yet), as the firmware expects
        Assert.True(steps.GetProperty("shadow-update").GetProperty("ok").GetInt64() >= 8, steps.ToString());
        Assert.Equal(0, steps.GetProperty("shadow-update").GetProperty("failed").GetInt64());

        // One invocation per device, warm-up's aside: no loop.
        var invocations = summary.GetProperty("targetAuthorizer").GetProperty("connectInvocations").GetInt64();
        Assert.True(invocations <= 4, $"{invocations} authorizer invocations for 4 devices that each connected once");
    }

    [Fact]
    public async Task TheShadowServiceAnswersGetUpdateDeltaConflictAndDeleteAsAwsDoes()
    {
        using var tmp = new TempDir();
        var seen = new ConcurrentQueue<(string Step, string Topic, JsonObject Body)>();
        var done = 0;
        var probe = Scenario.Create("shadow-probe", async ctx =>
        {
            await using var session = await ctx.ConnectAsync();
            if (Interlocked.Exchange(ref done, 1) == 1)
            {
                await ctx.WaitAsync(TimeSpan.FromHours(1)); // one device walks the shadow once
                return;
            }

            var shadow = $"$aws/things/{ctx.Device.ClientId}/shadow";
            await session.SubscribeAsync($"{shadow}/#");
            async Task Ask(string step, string op, string body, string answer)
            {
                var reply = await session.RequestAsync($"{shadow}/{op}", Encoding.UTF8.GetBytes(body), $"{shadow}/{answer}", TimeSpan.FromSeconds(5));
                seen.Enqueue((step, reply.Topic, JsonNode.Parse(reply.Payload.Span)!.AsObject()));
            }

            await Ask("get-none", "get", "", "get/+");
            await Ask("report", "update", """{"state":{"reported":{"led":"off","fw":{"v":1}}},"clientToken":"t1"}""", "update/accepted");
            await Ask("desire", "update", """{"state":{"desired":{"led":"on","fw":{"v":1}}}}""", "update/delta");
            await Ask("get", "get", """{"clientToken":"t2"}""", "get/+");
            await Ask("stale", "update", """{"state":{"reported":{"led":"on"}},"version":1}""", "update/+");
            await Ask("not-json", "update", "{nope", "update/+");
            await Ask("delete", "delete", "", "delete/+");
            await Ask("get-deleted", "get", "", "get/+");
            await ctx.WaitAsync(TimeSpan.FromHours(1));
        });

        var (_, output, _, _) = await RunHarness.RunAsync(RunHarness.Profile("mqtt-alpn", "device-jwt", devices: 1, holdSeconds: 2, extra: ShadowGateway), tmp, scenario: probe);
        var answers = seen.ToDictionary(s => s.Step);
        Assert.True(answers.Count == 8, $"saw {string.Join(", ", answers.Keys)}\n{output}");

        Assert.EndsWith("/get/rejected", answers["get-none"].Topic, StringComparison.Ordinal);
        Assert.Equal(404, answers["get-none"].Body["code"]!.GetValue<int>());

        var report = answers["report"].Body;
        Assert.Equal(1, report["version"]!.GetValue<long>());
        Assert.Equal("t1", report["clientToken"]!.GetValue<string>());
        Assert.True(report["metadata"]!["reported"]!["fw"]!["v"]!["timestamp"] is not null, report.ToJsonString());

        // Desired differs from reported in "led" only: the delta holds just that.
        var delta = answers["desire"].Body;
        Assert.Equal("""{"led":"on"}""", delta["state"]!.ToJsonString());
        Assert.Equal(2, delta["version"]!.GetValue<long>());

        var get = answers["get"].Body;
        Assert.EndsWith("/get/accepted", answers["get"].Topic, StringComparison.Ordinal);
        Assert.Equal("off", get["state"]!["reported"]!["led"]!.GetValue<string>());
        Assert.Equal("on", get["state"]!["desired"]!["led"]!.GetValue<string>());
        Assert.Equal("""{"led":"on"}""", get["state"]!["delta"]!.ToJsonString());
        Assert.Equal("t2", get["clientToken"]!.GetValue<string>());

        Assert.EndsWith("/update/rejected", answers["stale"].Topic, StringComparison.Ordinal);
        Assert.Equal(409, answers["stale"].Body["code"]!.GetValue<int>());
        Assert.Equal(400, answers["not-json"].Body["code"]!.GetValue<int>());

        Assert.EndsWith("/delete/accepted", answers["delete"].Topic, StringComparison.Ordinal);
        Assert.Equal(2, answers["delete"].Body["version"]!.GetValue<long>());
        Assert.Equal(404, answers["get-deleted"].Body["code"]!.GetValue<int>());
    }
}
