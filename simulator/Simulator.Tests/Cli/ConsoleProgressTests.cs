using Simulator.Core.Health;
using Simulator.Core.Load;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;
using Simulator.Hosting;
using Simulator.Tests.Load;
using Spectre.Console;

namespace Simulator.Tests.Cli;

/// <summary>The live console's progress over the plan and its trends, rendered by Spectre.Console as a terminal would get them.</summary>
public sealed class ConsoleProgressTests
{
    private static readonly LoadPlan Plan = new(ProfileLoader.Parse(
        System.Text.Encoding.UTF8.GetBytes(RunHarness.DeviceOnlyProfile("""[ { "kind": "ramp", "rate": 2 }, { "kind": "hold", "seconds": 10 }, { "kind": "rampDown", "rate": 20 } ]""", 20)),
        "p.json").Phases, 20);

    [Theory]
    [InlineData(0, 0, "0/21 s, 21 s left")]
    [InlineData(10, 10, "10/21 s, 11 s left")]
    [InlineData(21, 20, "21/21 s, stopping")]
    [InlineData(25, 20, "25/21 s, stopping")]
    public void TheBarFillsWithThePlan(int second, int filled, string words)
    {
        var bar = ConsoleProgress.Bar(second, Plan.TotalSeconds);
        Assert.Equal(filled, bar.Count(c => c == '█'));
        Assert.Equal(20 - filled, bar.Count(c => c == '░'));
        Assert.EndsWith(words, bar, StringComparison.Ordinal);
    }

    [Fact]
    public void LongPlansSayHoursAndMinutesLeft() =>
        Assert.EndsWith("1 h 01 min left", ConsoleProgress.Bar(0, 3665), StringComparison.Ordinal);

    [Fact]
    public void ThePhaseLineGivesThePhasesOwnTimeAndTarget()
    {
        Assert.Equal("1/3 ramp, 4/10 s, target 8 (→ 20)", ConsoleProgress.Phase(Plan, Row(4, connected: 7)));
        Assert.Equal("2/3 hold, 5/10 s, target 20 (→ 20)", ConsoleProgress.Phase(Plan, Row(15, connected: 20)));
        Assert.Equal("stopping: 3 still connected", ConsoleProgress.Phase(Plan, Row(40, connected: 3)));
    }

    [Fact]
    public void TheSparklineRunsFromTheLowestToTheHighest()
    {
        Assert.Equal("▁▅█ ▁", ConsoleProgress.Sparkline([10, 15, 20, double.NaN, 10]));
        Assert.Equal("▁▁▁", ConsoleProgress.Sparkline([5, 5, 5]));
        Assert.Equal("  ", ConsoleProgress.Sparkline([double.NaN, double.NaN]));
        // A character is the mean of three seconds: (2+4+6)/3 = 4, then 8.
        var trend = ConsoleProgress.Trend([Row(1, ok: 2), Row(2, ok: 4), Row(3, ok: 6), Row(4, ok: 8)], r => r.ConnectsOk, "/s");
        Assert.Equal("▁█ now 8/s, max 8/s", trend);
    }

    [Fact]
    public void TheTableHasNoEmptyHeaderAndOpensWithTheProgress()
    {
        var recent = Enumerable.Range(1, 15).Select(s => Row(s, connected: Math.Min(20, 2 * s), ok: s < 10 ? 2 : 0)).ToList();
        var table = ConsoleReporter.Table();
        ConsoleReporter.Fill(table, Plan, recent[^1], recent);
        var text = Render(table);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("╭", lines[0], StringComparison.Ordinal);
        Assert.Contains("plan", lines[1], StringComparison.Ordinal); // the first row is the progress, not an empty header
        Assert.Contains("15/21 s, 6 s left", lines[1], StringComparison.Ordinal);
        Assert.Contains("2/3 hold, 5/10 s", lines[2], StringComparison.Ordinal);
        Assert.Contains("connects/s, last minute", text, StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.Trim().Trim('│').Trim().Length == 0 && l.Contains('│', StringComparison.Ordinal));
    }

    private static string Render(Spectre.Console.Rendering.IRenderable renderable)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        console.Write(renderable);
        return writer.ToString();
    }

    private static SecondRow Row(int second, long connected = 0, long ok = 0) => new(
        second, Plan.PhaseAt(second), Plan.TargetAt(second), connected, 0, connected, 0, 0, true, 0, ok, 0, 0, 0, 0, 0, double.NaN, double.NaN,
        new Dictionary<string, long>(), new HealthSample(5, 6, 0, 8, 1, 0, 100, 20000, 1 << 20, false));
}
