using Simulator.Core.Errors;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Results.Summary;
using Simulator.Core.Scenarios;

namespace Simulator.Hosting;

/// <summary>
/// Runs a fleet in code, as <c>simulator run</c> does, and returns its summary typed: a regression
/// test asserts on it (NBomber's <c>NBomberRunner.Run</c> in this product's shape). The profile
/// says the target, the fleet, the transport and the phases; a scenario written with
/// <see cref="Scenario.Create"/> replaces its <c>device.scenario</c>. The results folder is written
/// as for any run.
/// </summary>
/// <example>
/// <code>
/// var summary = await FleetRunner.RunAsync("profiles/smoke.json", myScenario);
/// Assert.True(summary.Passed);
/// Assert.True(summary.Steps!["shadow-get"].Latency.P99Ms &lt; 500);
/// </code>
/// </example>
public static class FleetRunner
{
    /// <summary>
    /// Runs the profile at <paramref name="profilePath"/> to its end (or until <paramref name="cancellationToken"/>
    /// stops it, which still writes a summary marked cancelled) and returns its summary.
    /// </summary>
    /// <exception cref="InputException">The profile is not valid: the message names the file, line and field.</exception>
    /// <exception cref="InvalidOperationException">The run could not start (preflight refused it, the target could not be reached); the message says why.</exception>
    public static async Task<RunSummary> RunAsync(string profilePath, ScenarioDefinition? scenario = null, FleetRunnerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new FleetRunnerOptions();
        var profile = ProfileLoader.Load(profilePath);
        var lines = new StringWriter();
        var output = options.Output is { } shown ? new TeeWriter(lines, shown) : (TextWriter)lines;
        var setup = new RunSetup
        {
            Profile = profile,
            ProfilePath = profilePath,
            ResultsRoot = options.ResultsDirectory,
            Out = TextWriter.Synchronized(output),
            Dashboard = options.Dashboard,
            Scenario = scenario,
        };
        var code = await FleetRun.ExecuteAsync(setup, cancellationToken).ConfigureAwait(false);
        var file = setup.ResultsDirectory is { } dir ? Path.Combine(dir, "summary.json") : null;
        if (file is null || !File.Exists(file))
        {
            var said = lines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            throw new InvalidOperationException($"the run ended with exit code {code} and no results: {(said.Length == 0 ? "no reason given" : said[^1])}");
        }

        return SummaryJson.Read(file);
    }
}
