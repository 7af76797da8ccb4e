using System.Text;
using Simulator.Core.Scenarios;
using Simulator.Tests.Load;
using Simulator.Tests.Support;

namespace Simulator.Tests.Scenarios;

/// <summary>
/// HTTPS publish on the scenario API against the embedded gateway: with no session, the first
/// accepted publish connects the device, a refusal before it fails the attempt and one after it
/// drops the device, each named by its HTTP status, and every attempt is accounted for.
/// </summary>
public sealed class HttpsScenarioTests
{
    // A device may publish under {deviceId}/ok/ only: its telemetry topic is refused (403).
    private const string NarrowPolicy = """
        , "gateway": { "authorizers": [ { "name": "device-jwt", "type": "device-jwt", "signingDisabled": true, "policyTemplate": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iot:Connect\",\"Resource\":\"arn:aws:iot:{region}:{account}:client/{deviceId}\"},{\"Effect\":\"Allow\",\"Action\":\"iot:Publish\",\"Resource\":\"arn:aws:iot:{region}:{account}:topic/{deviceId}/ok/*\"}]}" } ], "defaultAuthorizer": "device-jwt" }
        """;

    [Fact]
    public async Task ARefusedFirstPublishFailsTheAttemptAndALaterOneDropsTheDevice()
    {
        // The built-in https-publish: every device's first publish is refused, so no device connects.
        using (var tmp = new TempDir())
        {
            var profile = RunHarness.Profile("https-publish", "device-jwt", devices: 4, holdSeconds: 1, extra: NarrowPolicy);
            var (_, output, summary, _) = await RunHarness.RunAsync(profile, tmp);
            Assert.Equal(0, summary.GetProperty("successes").GetInt64());
            var attempts = summary.GetProperty("attempts").GetInt64();
            Assert.True(attempts >= 4, output);
            // Every failure is the refusal, named by its status: at least each device's first attempt, at most every attempt.
            var failures = summary.GetProperty("failures").EnumerateObject().ToDictionary(f => f.Name, f => f.Value.GetInt64());
            Assert.Equal(["Http403"], failures.Keys);
            Assert.InRange(failures["Http403"], 4, attempts);
            Assert.True(summary.GetProperty("accounting").GetProperty("holds").GetBoolean(), output);
        }

        // On the API: a first publish the policy allows connects the device; the next is refused and drops it.
        using (var tmp = new TempDir())
        {
            long accepted = 0;
            var scenario = Scenario.Create("https-then-refused", async ctx =>
            {
                using var https = await ctx.OpenHttpsAsync();
                await https.PublishAsync($"{ctx.Device.ClientId}/ok/hello", Encoding.UTF8.GetBytes("{\"hello\":1}"));
                Interlocked.Increment(ref accepted);
                await ctx.WaitAsync(TimeSpan.FromMilliseconds(300));
                await https.PublishNextMessageAsync(ctx.Device.Topic); // {id}/telemetry: refused
            });
            var profile = RunHarness.Profile("https-publish", "device-jwt", devices: 4, holdSeconds: 2, extra: NarrowPolicy);
            var (_, output, summary, _) = await RunHarness.RunAsync(profile, tmp, scenario: scenario);
            var successes = summary.GetProperty("successes").GetInt64();
            Assert.True(successes >= 4, output);
            Assert.True(Interlocked.Read(ref accepted) >= successes, $"{accepted} accepted publishes, {successes} connects");
            Assert.False(summary.GetProperty("failures").TryGetProperty("Http403", out _), output);
            var drops = summary.GetProperty("drops").GetProperty("Http403").GetInt64();
            Assert.True(drops >= successes - 4 && drops <= successes, $"{drops} drops for {successes} connects\n{output}");
            Assert.True(summary.GetProperty("histograms").GetProperty("httpPublish").GetProperty("count").GetInt64() >= successes);
            Assert.True(summary.GetProperty("accounting").GetProperty("holds").GetBoolean(), output);
        }
    }
}
