using Simulator.Tests.Support;

namespace Simulator.Tests.Cli;

/// <summary><c>simulator profiles</c> lists each shipped profile with its description, and names one that does not load.</summary>
public sealed class ProfilesCommandTests
{
    [Fact]
    public async Task EveryShippedProfileIsListedWithItsDescription()
    {
        var dir = Path.Combine(Root(), "profiles");
        var r = await CliRunner.RunAsync("profiles", "--dir", dir);
        Assert.True(r.Code == 0, r.Out + r.Err);
        var shipped = Directory.GetFiles(dir, "*.json");
        Assert.True(shipped.Length >= 5, $"{shipped.Length} profiles under {dir}");
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(shipped.Length, lines.Length);
        Assert.Contains(lines, l => l.Contains("smoke.json", StringComparison.Ordinal) && l.Contains("2,000 devices, 1NCE onboarding", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("does not load", StringComparison.Ordinal) || l.Contains("(no description)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AProfileThatDoesNotLoadIsNamedAndTheExitIsBadInput()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp["p"]);
        await File.WriteAllTextAsync(Path.Combine(tmp["p"], "good.json"), RunHarnessProfile());
        await File.WriteAllTextAsync(Path.Combine(tmp["p"], "bad.json"), """{ "name": "bad", "fleet": { "count": 0 } }""");
        var r = await CliRunner.RunAsync("profiles", "--dir", tmp["p"]);
        Assert.Equal(2, r.Code);
        Assert.Contains("bad.json", r.Out, StringComparison.Ordinal);
        Assert.Contains("does not load", r.Out, StringComparison.Ordinal);
        Assert.Contains("$.fleet.count", r.Out, StringComparison.Ordinal);
        Assert.Contains("good.json", r.Out, StringComparison.Ordinal);
        var missing = await CliRunner.RunAsync("profiles", "--dir", tmp["none"]);
        Assert.Equal(2, missing.Code);
        Assert.Contains("no such folder", missing.Err, StringComparison.Ordinal);
    }

    private static string RunHarnessProfile() => Load.RunHarness.DeviceOnlyProfile("""[ { "kind": "ramp", "rate": 1 } ]""", 1).Replace("\"engine-test\"", "\"good\", \"description\": \"one device\"", StringComparison.Ordinal);

    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "profiles")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("no profiles/ above the test binary");
    }
}
