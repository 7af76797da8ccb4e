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
    public async Task AScenarioProjectIsBuiltFirstAndABrokenOneIsABadInputErrorWithItsCompilerError()
    {
        // A team's scenario project, outside the product's build, against this build's library.
        using var tmp = new TempDir();
        var project = Directory.CreateDirectory(tmp["MyFirmware"]).FullName;
        var core = typeof(Core.Scenarios.Scenario).Assembly.Location;
        await File.WriteAllTextAsync(Path.Combine(project, "MyFirmware.csproj"), $$"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
              <ItemGroup><Reference Include="Simulator.Core"><HintPath>{{core}}</HintPath><Private>false</Private></Reference></ItemGroup>
            </Project>
            """);
        const string Source = """
            using Simulator.Core.Scenarios;
            namespace MyFirmware;
            public static class Scenarios
            {
                public static ScenarioDefinition Hello { get; } = Scenario.Create("project-hello", async ctx =>
                {
                    await using var session = await ctx.ConnectAsync();
                    await Step.Run("hello", ctx, () => session.PublishNextMessageAsync(ctx.Device.Topic).AsTask());
                    await ctx.WaitAsync(TimeSpan.FromSeconds(30));
                });
            }
            """;
        await File.WriteAllTextAsync(Path.Combine(project, "Scenarios.cs"), Source);
        await File.WriteAllTextAsync(tmp["p.json"], RunHarness.Profile("mqtt-alpn", "device-jwt", devices: 2, holdSeconds: 1));

        var (code, stdout, stderr) = await SimulatorProcess.RunAsync(["run", "--profile", tmp["p.json"], "--results", tmp["results"], "--scenarios", project], tmp.Path);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("step hello: 2 ok, 0 failed", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(project, "bin", "Release", "net10.0", "MyFirmware.dll")));

        // A compile error: exit 2, the compiler's own line, no stack trace, nothing run.
        await File.WriteAllTextAsync(Path.Combine(project, "Scenarios.cs"), Source.Replace("ctx.Device.Topic", "ctx.Device.Topik", StringComparison.Ordinal));
        var broken = await SimulatorProcess.RunAsync(["run", "--profile", tmp["p.json"], "--results", tmp["results2"], "--scenarios", Path.Combine(project, "MyFirmware.csproj")], tmp.Path);
        Assert.Equal(2, broken.Code);
        Assert.Contains("the scenario project does not build", broken.Err, StringComparison.Ordinal);
        Assert.Contains("error CS1061", broken.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", broken.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(tmp["results2"]));
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
