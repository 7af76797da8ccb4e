using Simulator.Core.Load.Profiles;

namespace Simulator.Hosting;

/// <summary>What `simulator run` was asked to do, and the exit code it ends with.</summary>
internal sealed class RunSetup
{
    public required RunOptions Profile { get; init; }

    public required string ProfilePath { get; init; }

    public required string ResultsRoot { get; init; }

    public required TextWriter Out { get; init; }

    /// <summary>Live display when the output is a terminal, periodic plain lines otherwise.</summary>
    public bool Interactive { get; init; }

    public int ExitCode { get; set; } = ExitCodes.Failed;

    public string? ResultsDirectory { get; set; }

    /// <summary>A worker of <c>run --workers</c>: stream every second's row to the parent's combined console instead of printing its own.</summary>
    public bool WorkerRows { get; init; }

    /// <summary>Run even when preflight would refuse; what then fails is counted by the run.</summary>
    public bool SkipPreflight { get; init; }

    /// <summary>Serve the instruments as a Prometheus scrape endpoint on this port (all addresses).</summary>
    public int? MetricsPort { get; init; }

    /// <summary>Serve the live dashboard here (<c>run --dashboard</c>); null: none.</summary>
    public System.Net.IPEndPoint? Dashboard { get; init; }

    /// <summary>Export the instruments over OTLP/HTTP to this collector.</summary>
    public string? OtlpEndpoint { get; init; }

    /// <summary>How often OTLP exports.</summary>
    public TimeSpan MetricsInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Exports the instruments' final values now (set by the host when an exporter runs), before the run's meters go away.</summary>
    public Action? FlushMetrics { get; set; }

    /// <summary>Where the Prometheus endpoint listens: "+" is every address.</summary>
    public string MetricsHost { get; init; } = "127.0.0.1";

    /// <summary>Write every successful connect's latency (µs, one per line) to connect-samples.txt beside the results.</summary>
    public bool ConnectSamples { get; init; }

    /// <summary>Search for the highest sustainable connect rate (<c>simulator capacity</c>) instead of running the phases.</summary>
    public bool Capacity { get; init; }

    /// <summary>A scenario written as code, run instead of the profile's device.scenario.</summary>
    public Core.Scenarios.ScenarioDefinition? Scenario { get; init; }

    /// <summary>Tests: devices other than <see cref="Core.Load.Scenarios.VirtualDevice"/>.</summary>
    public Func<RunServices, Func<Core.Identity.DeviceIdentity, Core.Load.ISupervisedDevice>>? DeviceFactory { get; init; }
}
