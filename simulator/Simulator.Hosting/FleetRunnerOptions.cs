namespace Simulator.Hosting;

/// <summary>How <see cref="FleetRunner"/> runs a fleet: where its results go, where its console lines go, whether a dashboard is served.</summary>
public sealed record FleetRunnerOptions
{
    /// <summary>The folder under which the run's own folder is made (summary.json, timeseries.csv, report.md, report.html). Default "results".</summary>
    public string ResultsDirectory { get; init; } = "results";

    /// <summary>Where the run's console lines go (its plan, a line every few seconds, its verdict); null discards them.</summary>
    public TextWriter? Output { get; init; }

    /// <summary>Serve the live dashboard here (for example 127.0.0.1:8080); null serves none.</summary>
    public System.Net.IPEndPoint? Dashboard { get; init; }
}
