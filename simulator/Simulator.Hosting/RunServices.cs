using Simulator.Core.Identity;
using Simulator.Core.Load;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Load.Scenarios;
using Simulator.Core.Metrics;

namespace Simulator.Hosting;

/// <summary>
/// The run's composition root: what the target environment built (options, endpoint, token source,
/// scheduler, recorder, nRF Cloud client, the embedded authorizer's counters), and the one place
/// that hands each part to the engine, the scenarios, the warm-up and the probe. Nothing below the
/// hosting layer sees it: each of those is given exactly what it uses.
/// </summary>
internal sealed class RunServices
{
    public required RunOptions Options { get; init; }

    public required RunMetrics Recorder { get; init; }

    public required ITokenSource Tokens { get; init; }

    /// <summary>The target as the devices reach it: name, address, port, trust, source addresses, descriptor budget.</summary>
    public required DeviceEndpoint Endpoint { get; init; }

    /// <summary>nRF Cloud REST, for the location scenario.</summary>
    public NrfCloudAccess? NrfCloud { get; init; }

    /// <summary>The run's one delay scheduler: every device's timers and the engine's lag figure.</summary>
    public required DelayScheduler Scheduler { get; init; }

    /// <summary>How long the target keeps a session before cutting it (disconnectAfterInSeconds), when known.</summary>
    public TimeSpan? SessionLifetime { get; init; }

    /// <summary>The embedded target's authorizer counters (cumulative); null against a real target, which does not tell.</summary>
    public Func<AuthorizerSample>? SampleAuthorizer { get; init; }

    /// <summary>Where backend consumers find the devices; null without consumers.</summary>
    public DeviceDirectory? Directory { get; init; }

    private LinkFleet? _links;

    /// <summary>The devices' radio links, kept across their sessions; the engine's outages take them down.</summary>
    public LinkFleet Links
    {
        get => _links ??= LinkFleet.For(Options, Scheduler);
        init => _links = value;
    }

    /// <summary>The run's devices, the profile's scenario for each.</summary>
    public Func<DeviceIdentity, ISupervisedDevice> Devices(Core.Scenarios.ScenarioDefinition? code = null) =>
        ScenarioFactory.Devices(Options, Endpoint, Tokens, Scheduler, Recorder, SessionLifetime, NrfCloud, Links, code, Directory);

    /// <summary>An engine over these devices; <paramref name="phases"/> when the plan is not the profile's own (a capacity step's).</summary>
    public LoadEngine Engine(IReadOnlyList<DeviceIdentity> devices, Func<DeviceIdentity, ISupervisedDevice> factory, IReadOnlyList<PhaseSettings>? phases = null) =>
        new(Options, Recorder, devices, factory, new EngineGauges(Scheduler.TakeLag, Endpoint.Fds, SampleAuthorizer), phases) { Links = Links };

    /// <summary>The same run with a recorder of its own (a capacity step's), sharing everything else, the scheduler included.</summary>
    public RunServices WithRecorder(RunMetrics recorder) => With(recorder, Tokens);

    /// <summary>The same run with another token source (tests that make tokens fail).</summary>
    public RunServices WithTokens(ITokenSource tokens) => With(Recorder, tokens);

    private RunServices With(RunMetrics recorder, ITokenSource tokens) => new()
    {
        Options = Options,
        Recorder = recorder,
        Tokens = tokens,
        Endpoint = Endpoint,
        NrfCloud = NrfCloud,
        Scheduler = Scheduler,
        SessionLifetime = SessionLifetime,
        SampleAuthorizer = SampleAuthorizer,
        Links = Links,
        Directory = Directory,
    };
}
