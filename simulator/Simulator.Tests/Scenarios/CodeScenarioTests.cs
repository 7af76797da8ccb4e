using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Simulator.Core.Results;
using Simulator.Core.Scenarios;
using Simulator.Tests.Cli;
using Simulator.Tests.Load;
using Simulator.Tests.Support;

namespace Simulator.Tests.Scenarios;

/// <summary>
/// Scenarios written as code run against the embedded gateway over real sockets: their named steps
/// are counted against what the scenario itself saw (a count kept in the test, not by the recorder),
/// and every way a session can end is named.
/// </summary>
public sealed class CodeScenarioTests
{
    private static string Profile(int devices, double holdSeconds = 2) =>
        RunHarness.Profile("mqtt-alpn", "device-jwt", devices: devices, holdSeconds: holdSeconds);

    [Fact]
    public async Task EachStepIsTimedAndCountedAsTheScenarioSawIt()
    {
        using var tmp = new TempDir();
        long echoed = 0, subscribed = 0;
        var echo = Scenario.Create("echo", async ctx =>
        {
            await using var session = await ctx.ConnectAsync();
            var topic = $"{ctx.Device.ClientId}/telemetry";
            await Step.Run("subscribe", ctx, () => session.SubscribeAsync(topic));
            Interlocked.Increment(ref subscribed);
            for (var i = 0; i < 3; i++)
            {
                var body = Encoding.UTF8.GetBytes($$"""{"device":{{ctx.Device.Index}},"n":{{i}}}""");
                var reply = await Step.Run("echo", ctx, () => session.RequestAsync(topic, body, topic, TimeSpan.FromSeconds(10), match: m => m.Payload.Span.SequenceEqual(body)));
                if (reply.Topic == topic)
                {
                    Interlocked.Increment(ref echoed);
                }

                await ctx.WaitAsync(TimeSpan.FromMilliseconds(400)); // a session shorter than 1 s would meet AWS's 1 connect/s per client id on its reconnect
            }
        });

        var (code, output, summary, dir) = await RunHarness.RunAsync(Profile(devices: 4), tmp, scenario: echo);

        Assert.True(code == 0, output);
        var steps = summary.GetProperty("steps");
        var step = steps.GetProperty("echo");
        Assert.True(Interlocked.Read(ref echoed) >= 12, $"4 devices, 3 echoes each at least; saw {echoed}\n{output}");
        Assert.Equal(Interlocked.Read(ref echoed), step.GetProperty("ok").GetInt64());
        Assert.Equal(0, step.GetProperty("failed").GetInt64());
        Assert.Equal(step.GetProperty("ok").GetInt64(), step.GetProperty("latency").GetProperty("count").GetInt64());
        Assert.InRange(step.GetProperty("latency").GetProperty("p50Ms").GetDouble(), 0.01, 10_000);
        Assert.Equal(Interlocked.Read(ref subscribed), steps.GetProperty("subscribe").GetProperty("ok").GetInt64());

        // Every echo was a publish the run counted, with its PUBACK; a session ends as planned and reconnects.
        Assert.True(summary.GetProperty("publishes").GetInt64() >= step.GetProperty("ok").GetInt64());
        Assert.True(summary.GetProperty("successes").GetInt64() > 4, "each device reconnected after its planned end");
        Assert.Empty(summary.GetProperty("failures").EnumerateObject());
        Assert.True(summary.GetProperty("accounting").GetProperty("holds").GetBoolean());

        // The steps are in both reports and on the console.
        Assert.Contains("| echo | ", File.ReadAllText(Path.Combine(dir, "report.md")), StringComparison.Ordinal);
        Assert.Contains("Scenario steps", File.ReadAllText(Path.Combine(dir, "report.html")), StringComparison.Ordinal);
        Assert.Contains($"step echo: {step.GetProperty("ok").GetInt64()} ok, 0 failed", output, StringComparison.Ordinal);

        // timeseries.csv has each second's steps, read back by the same reader shard merges use: the seconds add up to what the scenario counted.
        var lines = File.ReadAllLines(Path.Combine(dir, "timeseries.csv"));
        var reader = new TimeseriesReader(lines[0], "timeseries.csv");
        var rows = lines.Skip(1).Select((l, i) => reader.Parse(l, i + 2)).ToList();
        Assert.Equal(Interlocked.Read(ref echoed), rows.Sum(r => r.Steps.TryGetValue("echo", out var e) ? e.Ok : 0));
        Assert.Equal(Interlocked.Read(ref subscribed), rows.Sum(r => r.Steps.TryGetValue("subscribe", out var e) ? e.Ok : 0));
        Assert.True(rows.Count(r => r.Steps.ContainsKey("echo")) >= 2, "echoes spread over seconds");

        // compare judges each step: the same run passes, a slower or failing or missing step is a regression.
        string Variant(string name, Action<JsonObject> change)
        {
            var node = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!.AsObject();
            change(node);
            Directory.CreateDirectory(tmp[name]);
            File.WriteAllText(tmp[$"{name}/summary.json"], node.ToJsonString());
            return tmp[name];
        }

        Assert.Equal(0, (await CliRunner.RunAsync("compare", dir, dir)).Code);
        var slow = await CliRunner.RunAsync("compare", dir, Variant("slow", n => n["steps"]!["echo"]!["latency"]!["p99Ms"] = n["steps"]!["echo"]!["latency"]!["p99Ms"]!.GetValue<double>() + 50));
        Assert.Equal(1, slow.Code);
        Assert.Contains("| step echo p99 (ms) |", slow.Out, StringComparison.Ordinal);
        var failing = await CliRunner.RunAsync("compare", dir, Variant("failing", n => n["steps"]!["echo"]!["failed"] = n["steps"]!["echo"]!["ok"]!.GetValue<long>()));
        Assert.Equal(1, failing.Code);
        Assert.Contains("| step echo failed | 0.000 %", failing.Out, StringComparison.Ordinal);
        var missing = await CliRunner.RunAsync("compare", dir, Variant("missing", n => n["steps"]!.AsObject().Remove("echo")));
        Assert.Equal(1, missing.Code);
        Assert.Contains("MISSING: the candidate did not run it", missing.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStepThatTimesOutIsCountedFailedAndEndsItsSessionAsTimeout()
    {
        using var tmp = new TempDir();
        long timeouts = 0;
        var silent = Scenario.Create("silent", async ctx =>
        {
            await using var session = await ctx.ConnectAsync();
            await session.SubscribeAsync($"{ctx.Device.ClientId}/telemetry");
            await Step.Run("await-command", ctx, async () =>
            {
                try
                {
                    await session.WaitForMessageAsync($"{ctx.Device.ClientId}/telemetry", TimeSpan.FromMilliseconds(1100)); // past AWS's 1 connect/s per client id
                }
                catch (TimeoutException)
                {
                    Interlocked.Increment(ref timeouts);
                    throw;
                }
            });
        });

        // Judged on its connects alone: each device spends part of every cycle backing off after its
        // timeout, so the share connected at the hold's end depends on where the cycles stand then.
        var profile = RunHarness.Profile("mqtt-alpn", "device-jwt", devices: 3, holdSeconds: 3, extra: """, "thresholds": { "errorRate": 0.0 }""");
        var (code, output, summary, _) = await RunHarness.RunAsync(profile, tmp, scenario: silent);

        var n = Interlocked.Read(ref timeouts);
        Assert.True(n >= 3, $"every device timed out at least once; saw {n}\n{output}");
        var step = summary.GetProperty("steps").GetProperty("await-command");
        Assert.Equal(0, step.GetProperty("ok").GetInt64());
        Assert.Equal(n, step.GetProperty("failed").GetInt64());
        Assert.Equal(n, step.GetProperty("failures").GetProperty("Timeout").GetInt64());
        Assert.Equal(n, step.GetProperty("latency").GetProperty("count").GetInt64());
        var p50 = step.GetProperty("latency").GetProperty("p50Ms").GetDouble();
        Assert.True(p50 >= 1100 * (1 - Simulator.Core.Histograms.LatencyHistogram.RelativeError), $"a timeout's time is the wait (within the histogram's resolution); p50 {p50} ms");

        // The session it ended is a drop named Timeout, once per timeout; the connects themselves all succeeded.
        Assert.Equal(n, summary.GetProperty("drops").GetProperty("Timeout").GetInt64());
        Assert.Empty(summary.GetProperty("failures").EnumerateObject());
        Assert.True(summary.GetProperty("accounting").GetProperty("holds").GetBoolean(), output);
        Assert.True(code == 0, output);
    }

    [Fact]
    public async Task CodeThatNeverConnectsFailsItsAttemptByName()
    {
        using var tmp = new TempDir();
        long calls = 0;
        var refused = Scenario.Create("refused", ctx =>
        {
            // Even devices give up before connecting with a class of their own; odd ones just return.
            Interlocked.Increment(ref calls);
            return ctx.Device.Index % 2 == 0 ? throw new StepFailedException("ShadowRejected", "the shadow said no") : Task.CompletedTask;
        });

        var (code, output, summary, _) = await RunHarness.RunAsync(Profile(devices: 4, holdSeconds: 1), tmp, scenario: refused);

        var failures = summary.GetProperty("failures");
        var total = failures.GetProperty("ShadowRejected").GetInt64() + failures.GetProperty("NoConnect").GetInt64();
        Assert.True(failures.GetProperty("ShadowRejected").GetInt64() >= 2 && failures.GetProperty("NoConnect").GetInt64() >= 2, failures.ToString());
        Assert.Equal(summary.GetProperty("failed").GetInt64(), total);
        Assert.Equal(0, summary.GetProperty("successes").GetInt64());

        // Every call was an attempt: counted failed, or interrupted by the run's stop.
        Assert.Equal(Interlocked.Read(ref calls), total + summary.GetProperty("interrupted").GetInt64());
        Assert.NotEqual(0, code);
        Assert.False(summary.TryGetProperty("steps", out var steps) && steps.ValueKind != JsonValueKind.Null, "no step ran");
    }

    [Fact]
    public async Task PayloadModelPublishesInFlightTogetherAreEachCountedAndKnownBack()
    {
        // The device's reusable publish serves one at a time; a second in flight beside it takes the other path.
        using var tmp = new TempDir();
        long pairs = 0;
        var twice = Scenario.Create("twice", async ctx =>
        {
            await using var session = await ctx.ConnectAsync();
            await session.SubscribeAsync(ctx.Device.Topic);
            for (var i = 0; i < 5; i++)
            {
                var a = session.PublishNextMessageAsync(ctx.Device.Topic).AsTask();
                var b = session.PublishNextMessageAsync(ctx.Device.Topic).AsTask();
                await Task.WhenAll(a, b);
                Interlocked.Increment(ref pairs);
            }

            await ctx.WaitAsync(TimeSpan.FromSeconds(1)); // the last messages come back
            await ctx.WaitAsync(TimeSpan.FromSeconds(30));
        });

        var (code, output, summary, _) = await RunHarness.RunAsync(Profile(devices: 3, holdSeconds: 2), tmp, scenario: twice);
        Assert.True(code == 0, output);
        var published = Interlocked.Read(ref pairs) * 2;
        Assert.True(published >= 30, output);
        Assert.Equal(published, summary.GetProperty("publishes").GetInt64());
        Assert.Equal(published, summary.GetProperty("histograms").GetProperty("pubAck").GetProperty("count").GetInt64());
        Assert.Equal(published, summary.GetProperty("received").GetInt64());
    }
}
