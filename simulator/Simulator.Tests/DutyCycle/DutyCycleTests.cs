using System.Globalization;
using System.Text.Json;
using Simulator.Tests.Load;
using Simulator.Tests.Support;

namespace Simulator.Tests.DutyCycle;

/// <summary>
/// The duty-cycle scenario end to end on the embedded gateway. A PSM fleet of 2,000 devices waking
/// every 60 s costs the authorizer one invocation per wake: three counters kept apart agree, the
/// client's wakes, its successful connects and the gateway's own authorizer invocations. An eDRX
/// fleet stays connected and costs one invocation per device for the whole run.
/// </summary>
public sealed class DutyCycleTests
{
    private const int PsmDevices = 2000;
    private const int EdrxDevices = 200;

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
    public async Task APsmFleetCostsOneAuthorizerInvocationPerWakeAndAnEdrxFleetOnePerDevice()
    {
        using var psmDir = new TempDir();
        using var edrxDir = new TempDir();
        var psmRun = RunHarness.RunAsync(Profile("psm-60s", PsmDevices, """{ "mode": "psm", "wakeIntervalSeconds": 60, "awaitDownlink": true, "activeTimeSeconds": 10 }""", 65), psmDir);
        var edrxRun = RunHarness.RunAsync(Profile("edrx-20s", EdrxDevices, """{ "mode": "edrx", "wakeIntervalSeconds": 20, "edrxSeconds": 20.48, "pagingWindowSeconds": 2.56, "inactivitySeconds": 5 }""", 60, rate: 50), edrxDir);
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
        // cut short by the run's stop may not have reached the authorizer, and is counted as interrupted.
        Assert.Equal(0, failed);
        Assert.Equal(wakes, connects + interrupted);
        Assert.Equal(connects, invocations);
        Assert.Equal(connects, duty.GetProperty("authorizerInvocations").GetInt64()); // the gateway's count against the devices' own
        Assert.True(wakes >= PsmDevices, $"{wakes} wakes of {PsmDevices} devices in 65 s: every device wakes once in its first 60 s");

        // A wake every 60 s is 60 per device-hour; the first wakes spread over one interval keep the rate from the start.
        Assert.InRange(duty.GetProperty("wakesPerDeviceHour").GetDouble(), 54, 66);
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

        Assert.True(hold.Average(f => long.Parse(f[Col("sleeping")], CultureInfo.InvariantCulture)) > PsmDevices * 0.8, "a 60 s cycle with a wake of milliseconds sleeps most of the time");
        // Each second's wakes (the devices' count) against the gateway's connect invocations in the
        // same rows (the target's count): every wake that was not cut short reached the authorizer.
        long Total(string column) => csv.Skip(1).Sum(l => long.Parse(l.Split(',')[Col(column)], CultureInfo.InvariantCulture));
        Assert.Equal(Total("wakes"), Total("authorizerInvocations") - Total("authorizerRefreshes") + interrupted);
        Assert.Contains("duty cycle (psm, every 60 s)", output, StringComparison.Ordinal);
        Assert.Contains("Duty cycle", await File.ReadAllTextAsync(Path.Combine(dir, "report.html")), StringComparison.Ordinal);

        // eDRX: connected throughout, one invocation per device, a round of publishes each interval.
        var (edrxCode, edrxOutput, e, _) = await edrxRun;
        Assert.True(edrxCode == 0, edrxOutput);
        var edrx = e.GetProperty("dutyCycle");
        Assert.Equal(EdrxDevices, e.GetProperty("targetAuthorizer").GetProperty("connectInvocations").GetInt64());
        Assert.Equal(0, edrx.GetProperty("wakes").GetInt64());
        Assert.InRange(e.GetProperty("publishes").GetInt64(), EdrxDevices * 2, EdrxDevices * 4); // a round every 20 s over 60 s, the first within one interval

        // The answers to a device's own sends come while its radio is connected: never paged, the connect's neither.
        Assert.True(e.GetProperty("histograms").GetProperty("pubAck").GetProperty("p99Ms").GetDouble() < 1000, edrxOutput);
        Assert.True(e.GetProperty("histograms").GetProperty("connect").GetProperty("p99Ms").GetDouble() < 2000, edrxOutput); // paged, it would wait up to 18 s
    }
}
