using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

/// <summary>
/// An arrivals phase offers connects at a rate (an open model): each visit connects once, holds
/// its session and leaves, and its identity goes back to the pool for a later visit.
/// </summary>
public sealed class VisitArrivalsTests
{
    [Fact]
    public async Task VisitsConnectOnceLeaveAndLendTheirIdentitiesOn()
    {
        using var tmp = new TempDir();
        var profile = RunHarness.Profile("mqtt-alpn", "device-jwt", devices: 30)
            .Replace("\"publishIntervalSeconds\": 0.5", "\"publishIntervalSeconds\": 10, \"sessionSeconds\": 0.3", StringComparison.Ordinal);
        profile = profile[..profile.IndexOf("\"phases\"", StringComparison.Ordinal)]
            + "\"phases\": [ { \"kind\": \"arrivals\", \"rate\": 20, \"seconds\": 3 }, { \"kind\": \"pause\", \"seconds\": 2 } ], \"warmUp\": { \"devices\": 0 } }";
        var (code, output, summary, _) = await RunHarness.RunAsync(profile, tmp);

        // 60 visits from a fleet of 30: identities were returned and lent again (after a rest, for AWS's per-client-id limit), never shared.
        Assert.True(code == 0, output);
        Assert.True(60 == summary.GetProperty("attempts").GetInt64(), output);
        Assert.Equal(60, summary.GetProperty("successes").GetInt64());
        Assert.Equal(60, summary.GetProperty("devices").GetProperty("started").GetInt64());
        Assert.Equal(60, summary.GetProperty("devices").GetProperty("ended").GetInt64());
        Assert.True(summary.GetProperty("accounting").GetProperty("holds").GetBoolean(), output);

        // Each left after its 0.3 s session: no device is still connected when the pause ends.
        var rows = File.ReadAllLines(Path.Combine(Directory.GetDirectories(tmp["results"])[0], "timeseries.csv"));
        var connected = rows[0].Split(',').ToList().IndexOf("connected");
        Assert.Equal("0", rows[^2].Split(',')[connected]);
    }

    [Fact]
    public void ArrivalsNeedARateAndSecondsAndNoTarget()
    {
        using var tmp = new TempDir();
        foreach (var (phase, expected) in new[]
        {
            ("""{ "kind": "arrivals", "seconds": 3 }""", "$.phases[0].rate"),
            ("""{ "kind": "arrivals", "rate": 3 }""", "$.phases[0].seconds"),
            ("""{ "kind": "arrivals", "rate": 3, "seconds": 2, "to": 5 }""", "$.phases[0].to"),
        })
        {
            var path = tmp["p.json"];
            File.WriteAllText(path, RunHarness.DeviceOnlyProfile($"[ {phase} ]", 5));
            var e = Assert.Throws<Simulator.Core.Errors.InputException>(() => Simulator.Core.Load.Profiles.ProfileLoader.Load(path));
            Assert.Contains(expected, e.Message + e.Field, StringComparison.Ordinal);
        }

    }
}
