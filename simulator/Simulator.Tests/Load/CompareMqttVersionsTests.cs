using Simulator.Tests.Cli;
using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

/// <summary>
/// <c>compare</c> between a fleet on 3.1.1 and the same fleet on MQTT 5, both against an
/// authorizer that fails half its calls: the failures by class side by side, and a note that
/// says why the classes do not line up across the versions.
/// </summary>
public sealed class CompareMqttVersionsTests
{
    [Fact]
    public async Task AComparisonAcrossVersionsShowsEachRunsClassesAndSaysWhyTheyDiffer()
    {
        using var tmp = new TempDir();
        const string Faults = """, "gateway": { "faults": { "authorizerFailureRate": 0.5 } }""";
        var v311 = RunHarness.Profile("mqtt-alpn", "device-jwt", devices: 6, extra: Faults, holdSeconds: 2);
        var v5 = v311.Replace("\"scenario\": \"telemetry\",", "\"scenario\": \"telemetry\", \"mqttVersion\": 5,", StringComparison.Ordinal);
        Assert.NotEqual(v311, v5);
        using var a = new TempDir();
        using var b = new TempDir();
        var (_, _, _, baseline) = await RunHarness.RunAsync(v311, a);
        var (_, _, _, candidate) = await RunHarness.RunAsync(v5, b);

        var r = await CliRunner.RunAsync("compare", baseline, candidate, "--error-tolerance", "1");
        Assert.Contains("note: the baseline spoke MQTT 3.1.1 and the candidate MQTT 5", r.Out, StringComparison.Ordinal);
        // The whole comparison goes with a failure: which classes each run counted instead.
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(r.Out, @"\| ClosedAfterConnect \| [1-9][0-9]* \| 0 \|"), r.Out);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(r.Out, @"\| ConnAck:NotAuthorized \| 0 \| [1-9][0-9]* \|"), r.Out);

        // The same run against itself: its classes, and no note.
        var same = await CliRunner.RunAsync("compare", candidate, candidate);
        Assert.DoesNotContain("note:", same.Out, StringComparison.Ordinal);
        Assert.Matches(@"\| ConnAck:NotAuthorized \| ([1-9][0-9]*) \| \1 \|", same.Out);
    }
}
