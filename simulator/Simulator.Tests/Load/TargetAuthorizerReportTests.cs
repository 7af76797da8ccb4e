using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

/// <summary>
/// A run against the embedded gateway reports what its authorizer did each second: cold starts
/// during the ramp show as a latency step, and during the hold the timer's policy refreshes come at
/// about devices / refreshAfterInSeconds per second.
/// </summary>
[Collection(SerialCollection.Name)] // real seconds are the point (latency steps, 2 s sessions): run alone, not beside three other classes
public sealed class TargetAuthorizerReportTests
{
    [Fact]
    public async Task ColdStartsAndRefreshesShowInTheRunsReport()
    {
        using var tmp = new TempDir();
        // A slow ramp (4/s): the first connects start new instances, later ones find warm ones.
        var profile = RunHarness.Profile("mqtt-alpn", "device-jwt", devices: 12, holdSeconds: 10)
            .Replace("{ \"kind\": \"ramp\", \"to\": 12, \"rate\": 50 }", "{ \"kind\": \"ramp\", \"to\": 12, \"rate\": 4 }", StringComparison.Ordinal)
            .Replace("\"phases\"", """
                "warmUp": { "devices": 0 },
                "gateway": {
                  "minimumAuthTtlSeconds": 1,
                  "authorizers": [ { "name": "device-jwt", "type": "device-jwt", "signingDisabled": true, "refreshAfterInSeconds": 2, "lambda": { "coldStartMs": 400, "durationP50Ms": 5, "durationP99Ms": 5 } } ],
                  "defaultAuthorizer": "device-jwt"
                },
                "phases"
                """, StringComparison.Ordinal);
        Assert.Contains("\"rate\": 4 }", profile, StringComparison.Ordinal);
        var (code, output, summary, dir) = await RunHarness.RunAsync(profile, tmp);
        Assert.True(code == 0, output);

        var authorizer = summary.GetProperty("targetAuthorizer");
        Assert.Equal(12, authorizer.GetProperty("connectInvocations").GetInt64());
        Assert.True(authorizer.GetProperty("coldStarts").GetInt64() >= 1);

        var lines = File.ReadAllLines(Path.Combine(dir, "timeseries.csv"));
        var head = lines[0].Split(',').ToList();
        var rows = lines.Skip(1).Select(l => System.Text.RegularExpressions.Regex.Split(l, ",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")).ToList();
        string Cell(string[] row, string name) => row[head.IndexOf(name)];

        // Cold starts: a connect that paid one completes within the next second or two, with a p99 of at least the cold start.
        double P99(string[] r) => Cell(r, "connectP99Ms") is { Length: > 0 } v ? double.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var cold = Enumerable.Range(0, rows.Count).Where(i => Cell(rows[i], "authorizerColdStarts") is { Length: > 0 } c && long.Parse(c) > 0).ToList();
        Assert.NotEmpty(cold);
        Assert.Contains(cold, i => rows.Skip(i).Take(3).Any(r => P99(r) >= 400));
        var warm = rows.Where(r => P99(r) > 0).Select(P99).Min();
        Assert.True(warm < 400, $"every second with connects paid a cold start ({warm} ms): no step to see");

        // The hold's refreshes: 12 devices refreshed every 2 s is about 6 a second.
        // Counted over the time the rows span (each row counts what happened since the one before),
        // not per row: a row that closes late on a loaded machine carries more than a second.
        var hold = rows.Where(r => Cell(r, "phase").Contains("hold", StringComparison.Ordinal)).Skip(2).ToList();
        Assert.True(hold.Count >= 6, $"{hold.Count} rows of the hold");
        var spanSeconds = long.Parse(Cell(hold[^1], "unixSecond")) - long.Parse(Cell(hold[0], "unixSecond"));
        var perSecond = hold.Skip(1).Sum(r => long.Parse(Cell(r, "authorizerRefreshes"))) / (double)spanSeconds;
        Assert.InRange(perSecond, 5, 7);
    }
}
