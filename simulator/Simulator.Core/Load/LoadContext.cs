using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;

namespace Simulator.Core.Load;

/// <summary>What every device of a run shares: the profile, the endpoints, the token source, the scheduler and the metrics.</summary>
public sealed class LoadContext
{
    public required RunOptions Profile { get; init; }

    public required RunMetrics Metrics { get; init; }

    public required ITokenSource Tokens { get; init; }

    /// <summary>The target as the devices reach it: name, address, port, trust, source addresses, descriptor budget.</summary>
    public required DeviceEndpoint Endpoint { get; init; }

    /// <summary>nRF Cloud REST base, for the location scenario.</summary>
    public Uri? NrfCloudBase { get; init; }

    /// <summary>Shared, pooled client for nRF Cloud REST calls (location scenario).</summary>
    public HttpClient? NrfCloudHttp { get; init; }

    public DelayScheduler Scheduler { get; private init; } = new();

    /// <summary>How long the target keeps a session before cutting it (disconnectAfterInSeconds), when known.</summary>
    public TimeSpan? SessionLifetime { get; init; }

    /// <summary>The embedded target's authorizer counters (cumulative); null against a real target, which does not tell.</summary>
    public Func<Metrics.AuthorizerSample>? SampleAuthorizer { get; init; }

    /// <summary>The same run's context with a recorder of its own (a capacity step's), sharing everything else, the scheduler included.</summary>
    public LoadContext WithRecorder(RunMetrics recorder) => new()
    {
        Profile = Profile,
        Metrics = recorder,
        Tokens = Tokens,
        Endpoint = Endpoint,
        NrfCloudBase = NrfCloudBase,
        NrfCloudHttp = NrfCloudHttp,
        Scheduler = Scheduler,
        SessionLifetime = SessionLifetime,
        SampleAuthorizer = SampleAuthorizer,
    };
}
