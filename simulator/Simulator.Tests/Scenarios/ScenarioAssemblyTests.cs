using System.Text.Json;
using Simulator.Tests.Load;
using Simulator.Tests.Support;

namespace Simulator.Tests.Scenarios;

/// <summary><c>simulator run --scenarios PATH.dll</c> in a process of its own: a user's assembly (here this test assembly) supplies the devices' behaviour.</summary>
public sealed class ScenarioAssemblyTests
{
    private static string Assembly => typeof(ScenarioAssemblyTests).Assembly.Location;

    [Fact]
    public async Task TheCliRunsAScenarioFromAnAssemblyAndItsStepsAreInTheResults()
    {
        using var tmp = new TempDir();
        await File.WriteAllTextAsync(tmp["p.json"], RunHarness.Profile("mqtt-alpn", "device-jwt", devices: 3, holdSeconds: 2));

        var (code, stdout, stderr) = await SimulatorProcess.RunAsync(["run", "--profile", tmp["p.json"], "--results", tmp["results"], "--scenarios", Assembly, "--scenario", "cli-round-trip"], tmp.Path);

        Assert.True(code == 0, stdout + stderr);
        var dir = Assert.Single(Directory.GetDirectories(tmp["results"]));
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "summary.json")));
        var step = summary.RootElement.GetProperty("steps").GetProperty("round-trip");
        Assert.True(step.GetProperty("ok").GetInt64() >= 6, step.ToString());
        Assert.Equal(0, step.GetProperty("failed").GetInt64());
        Assert.Contains("step round-trip:", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoWorkersEachRunTheScenarioAndTheMergedStepsAreTheirSum()
    {
        using var tmp = new TempDir();
        await File.WriteAllTextAsync(tmp["p.json"], RunHarness.Profile("mqtt-alpn", "device-jwt", devices: 4, holdSeconds: 2));

        var (code, stdout, stderr) = await SimulatorProcess.RunAsync(["run", "--profile", tmp["p.json"], "--results", tmp["results"], "--workers", "2", "--scenarios", Assembly, "--scenario", "cli-round-trip"], tmp.Path);

        Assert.True(code == 0, stdout + stderr);
        var root = Assert.Single(Directory.GetDirectories(tmp["results"]));
        JsonElement Step(string dir)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
            return doc.RootElement.GetProperty("steps").GetProperty("round-trip").Clone();
        }

        var shards = Enumerable.Range(0, 2).Select(i => Step(Assert.Single(Directory.GetDirectories(Path.Combine(root, $"shard-{i}"))))).ToList();
        var merged = Step(Path.Combine(root, "merged"));
        Assert.All(shards, s => Assert.True(s.GetProperty("ok").GetInt64() > 0, "each worker ran the scenario"));
        Assert.Equal(shards.Sum(s => s.GetProperty("ok").GetInt64()), merged.GetProperty("ok").GetInt64());
        Assert.Equal(merged.GetProperty("ok").GetInt64(), merged.GetProperty("latency").GetProperty("count").GetInt64());
        SummarySchema.AssertValid(Path.Combine(root, "merged", "summary.json"));
    }

    [Theory]
    [InlineData(null, "has 2 scenarios (cli-round-trip, cli-idle): choose one with --scenario NAME")]
    [InlineData("nope", "has no scenario named 'nope' (it has: cli-round-trip, cli-idle)")]
    public async Task AnAmbiguousOrUnknownNameIsABadInputErrorNamingTheChoices(string? name, string expected)
    {
        using var tmp = new TempDir();
        await File.WriteAllTextAsync(tmp["p.json"], RunHarness.Profile("mqtt-alpn", "device-jwt", devices: 1));
        string[] args = ["run", "--profile", tmp["p.json"], "--results", tmp["results"], "--scenarios", Assembly, .. name is null ? Array.Empty<string>() : ["--scenario", name]];

        var (code, stdout, stderr) = await SimulatorProcess.RunAsync(args, tmp.Path);

        Assert.Equal(2, code);
        Assert.Contains(expected, stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(tmp["results"]), "nothing ran");
    }

    [Fact]
    public async Task AMissingAssemblyIsABadInputError()
    {
        using var tmp = new TempDir();
        await File.WriteAllTextAsync(tmp["p.json"], RunHarness.Profile("mqtt-alpn", "device-jwt", devices: 1));

        var (code, stdout, stderr) = await SimulatorProcess.RunAsync(["run", "--profile", tmp["p.json"], "--scenarios", tmp["missing.dll"]], tmp.Path);

        Assert.Equal(2, code);
        Assert.Contains("missing.dll", stdout + stderr, StringComparison.Ordinal);
        Assert.Contains("--scenarios", stdout + stderr, StringComparison.Ordinal);
    }
}
