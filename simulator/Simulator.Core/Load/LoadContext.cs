using System.Net;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;
using Simulator.Core.Transport;

namespace Simulator.Core.Load;

/// <summary>What every device of a run shares: the profile, the endpoints, the token source, the scheduler and the metrics.</summary>
public sealed class LoadContext
{
    public required RunOptions Profile { get; init; }

    public required RunMetrics Metrics { get; init; }

    public required ITokenSource Tokens { get; init; }

    /// <summary>The data endpoint name (SNI, Host header).</summary>
    public required string Host { get; init; }

    /// <summary>Where to connect, when it is not <see cref="Host"/> resolved by DNS.</summary>
    public string? Address { get; init; }

    public required int Port { get; init; }

    public string? CaFile { get; init; }

    public bool Insecure { get; init; }

    /// <summary>nRF Cloud REST base, for the location scenario.</summary>
    public Uri? NrfCloudBase { get; init; }

    /// <summary>Shared, pooled client for nRF Cloud REST calls (location scenario).</summary>
    public HttpClient? NrfCloudHttp { get; init; }

    public DelayScheduler Scheduler { get; } = new();

    /// <summary>Sockets are opened only within the open-files limit; null leaves it unguarded.</summary>
    public Transport.FdBudget? Fds { get; init; }

    public IReadOnlyList<IPAddress> SourceAddresses { get; init; } = [];

    /// <summary>How long the target keeps a session before cutting it (disconnectAfterInSeconds), when known.</summary>
    public TimeSpan? SessionLifetime { get; init; }

    /// <summary>The embedded target's authorizer counters (cumulative); null against a real target, which does not tell.</summary>
    public Func<Metrics.AuthorizerSample>? SampleAuthorizer { get; init; }

    /// <summary>Shards the fleet is split into: a shard's devices are every Nth index, so they rotate over its addresses by index / N.</summary>
    public int Shards { get; init; } = 1;

    /// <summary>The target as the devices reach it, resolved from the members above (once; they are init-only).</summary>
    public DeviceEndpoint Endpoint => _endpoint ??= new DeviceEndpoint
    {
        Host = Host,
        Address = Address,
        Port = Port,
        CaFile = CaFile,
        Insecure = Insecure,
        Fds = Fds,
        SourceAddresses = SourceAddresses,
        Shards = Shards,
    };

    public IPAddress? SourceFor(int deviceIndex) => Endpoint.SourceFor(deviceIndex);

    private DeviceEndpoint? _endpoint;
}
