using System.Globalization;
using System.Text.Json;
using Simulator.Tests.Load;
using Simulator.Tests.Support;

namespace Simulator.Tests.DutyCycle;

/// <summary>
/// The duty-cycle scenario end to end on the embedded gateway, at full scale and scaled down. A PSM
/// fleet of 2,000 devices waking every 60 s (300 every 12 s) costs the authorizer one invocation per wake: three counters kept apart agree, the
/// client's wakes, its successful connects and the gateway's own authorizer invocations. An eDRX
/// fleet stays connected and costs one invocation per device for the whole run.
/// </summary>
public sealed class DutyCycleTests
{
    /// <summary>The fleets and cycles of one run: full scale (a release's tier), or scaled down in devices and seconds alike.</summary>
    public sealed record Scale(int PsmDevices, int PsmWakeSeconds, int PsmActiveSeconds, int EdrxDevices, int EdrxWakeSeconds, double EdrxSeconds, double PagingWindowSeconds, int EdrxInactivitySeconds)
    {
        public static Scale Full { get; } = new(2000, 60, 10, 200, 20, 20.48, 2.56, 5);

        public static Scale Fast { get; } = new(300, 12, 4, 60, 8, 5.12, 1.28, 2);
    }

    private static string Profile(string name, int devices, string dutyCycle, double hold, int rate = 1000) => string.Create(CultureInfo.InvariantCulture, $$"""
        {
          "name": "{{name}}",
          "target": { "kind": "embedded" },
          "fleet": { "count": {{devices}}, "seed": "22" },
          "token": { "source": "device-jwt" },
          "transport": { "kind": "mqtt-alpn", "tlsResume": true },
          "device": { "scenario": "duty-cycle", "qos": 1, "keepAliveSeconds": 1200, "dutyCycle": {{dutyCycle}} },
          "phases": [ { "kind": "ramp", "rate": {{rate}} }, { "kind": "hold", "seconds": {{hold}} } ],
          "warmUp": { "devices": 0 }
        }
        """);

    [Fact]
    public Task APsmFleetCostsOneAuthorizerInvocationPerWakeAndAnEdrxFleetOnePerDevice() => RunAsync(Scale.Fast);

    [Fact]
    [Trait(Tier.Name, Tier.Full)]
    public Task APsmFleetCostsOneAuthorizerInvocationPerWakeAndAnEdrxFleetOnePerDeviceAtFullScale() => RunAsync(Scale.Full);

    private static async Task RunAsync(Scale scale)
    {
        var (psmDevices, edrxDevices) = (scale.PsmDevices, scale.EdrxDevices);
        using var psmDir = new TempDir();
        using var edrxDir = new TempDir();
        var psmRun = RunHarness.RunAsync(Profile($"psm-{scale.PsmWakeSeconds}s", psmDevices, $$"""{ "mode": "psm", "wakeIntervalSeconds": {{scale.PsmWakeSeconds}}, "awaitDownlink": true, "activeTimeSeconds": {{scale.PsmActiveSeconds}} }""", scale.PsmWakeSeconds + 5), psmDir);
        var edrxRun = RunHarness.RunAsync(Profile($"edrx-{scale.EdrxWakeSeconds}s", edrxDevices, string.Create(CultureInfo.InvariantCulture, $$"""{ "mode": "edrx", "wakeIntervalSeconds": {{scale.EdrxWakeSeconds}}, "edrxSeconds": {{scale.EdrxSeconds}}, "pagingWindowSeconds": {{scale.PagingWindowSeconds}}, "inactivitySeconds": {{scale.EdrxInactivitySeconds}} }"""), scale.EdrxWakeSeconds * 3, rate: 50), edrxDir);
        await Task.WhenAll(psmRun, edrxRun);

        var (code, output, s, dir) = await psmRun;
        Assert.True(code == 0, output);
        Assert.True(s.GetProperty("accounting").GetProperty("holds").GetBoolean(), output);
        var duty = s.GetProperty("dutyCycle");
        var wakes = duty.GetProperty("wakes").GetInt64();
        var connects = s.GetProperty("successes").GetInt64();
        var failed = s.GetProperty("failed").GetInt64();
        var interrupted = s.GetProperty("interrupted").GetInt64();
        var invocations = s.GetProperty("targetAuthorizer").GetProperty("connectInvocations").GetInt64();

        // Each wake opened one attempt, and each attempt that connected was one invocation; a wake
        // cut short by the run's stop is counted as interrupted, and may or may not have reached
        // the authorizer before the stop.
        Assert.Equal(0, failed);
        Assert.Equal(wakes, connects + interrupted);
        Assert.InRange(invocations, connects, connects + interrupted);
        Assert.InRange(duty.GetProperty("authorizerInvocations").GetInt64(), connects, connects + interrupted); // the gateway's count against the devices' own
        Assert.True(wakes >= psmDevices, $"{wakes} wakes of {psmDevices} devices: every device wakes once in its first interval");

        // A wake every interval is 3600 / interval per device-hour; the first wakes spread over one interval keep the rate from the start.
        var perHour = 3600.0 / scale.PsmWakeSeconds;
        Assert.InRange(duty.GetProperty("wakesPerDeviceHour").GetDouble(), perHour * 0.9, perHour * 1.1);
        Assert.InRange(duty.GetProperty("invocationsPerWake").GetDouble(), 0.97, 1.0);
        Assert.Equal(0, duty.GetProperty("downlinksMissed").GetInt64());
        Assert.Equal(connects, s.GetProperty("received").GetInt64()); // each wake's message came back before it slept

        // Most of the fleet sleeps; the rows' states add up to the devices every second, asleep included.
        var csv = await File.ReadAllLinesAsync(Path.Combine(dir, "timeseries.csv"));
        var head = csv[0].Split(',');
        int Col(string name) => Array.IndexOf(head, name);
        var hold = csv.Skip(1).Select(l => l.Split(',')).Where(f => f[Col("phase")].Contains("hold", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(hold);
        foreach (var f in hold)
        {
            var states = new[] { "connecting", "connected", "backingOff", "givenUp", "sleeping" }.Sum(c => long.Parse(f[Col(c)], CultureInfo.InvariantCulture));
            Assert.Equal(long.Parse(f[Col("devices")], CultureInfo.InvariantCulture), states);
        }

        Assert.True(hold.Average(f => long.Parse(f[Col("sleeping")], CultureInfo.InvariantCulture)) > psmDevices * 0.6, "a cycle with a wake of milliseconds sleeps most of the time");
        // Each second's wakes (the devices' count) against the gateway's connect invocations in the
        // same rows (the target's count): every wake that was not cut short reached the authorizer.
        long Total(string column) => csv.Skip(1).Sum(l => long.Parse(l.Split(',')[Col(column)], CultureInfo.InvariantCulture));
        var connectInvocations = Total("authorizerInvocations") - Total("authorizerRefreshes");
        Assert.InRange(Total("wakes"), connectInvocations, connectInvocations + interrupted);
        Assert.Contains($"duty cycle (psm, every {scale.PsmWakeSeconds} s)", output, StringComparison.Ordinal);
        Assert.Contains("Duty cycle", await File.ReadAllTextAsync(Path.Combine(dir, "report.html")), StringComparison.Ordinal);

        // eDRX: connected throughout, one invocation per device, a round of publishes each interval.
        var (edrxCode, edrxOutput, e, _) = await edrxRun;
        Assert.True(edrxCode == 0, edrxOutput);
        var edrx = e.GetProperty("dutyCycle");
        Assert.Equal(edrxDevices, e.GetProperty("targetAuthorizer").GetProperty("connectInvocations").GetInt64());
        Assert.Equal(0, edrx.GetProperty("wakes").GetInt64());
        Assert.InRange(e.GetProperty("publishes").GetInt64(), edrxDevices * 2, edrxDevices * 4); // a round every interval over three, the first within one interval

        // The answers to a device's own sends come while its radio is connected: never paged, the connect's neither.
        Assert.True(e.GetProperty("histograms").GetProperty("pubAck").GetProperty("p99Ms").GetDouble() < 1000, edrxOutput);
        Assert.True(e.GetProperty("histograms").GetProperty("connect").GetProperty("p99Ms").GetDouble() < 2000, edrxOutput); // paged, it would wait up to 18 s
    }
}
