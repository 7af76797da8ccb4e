using System.Net;
using Simulator.Core.Transport;

namespace Simulator.Core.Load;

/// <summary>
/// The target as every device of a run reaches it, resolved once: the name it presents (SNI, Host
/// header), where it connects, the port, the trust, the source addresses and the descriptor budget.
/// </summary>
internal sealed record DeviceEndpoint
{
    /// <summary>The data endpoint name (SNI, Host header).</summary>
    public required string Host { get; init; }

    /// <summary>Where to connect, when it is not <see cref="Host"/> resolved by DNS.</summary>
    public string? Address { get; init; }

    public required int Port { get; init; }

    public string? CaFile { get; init; }

    public bool Insecure { get; init; }

    /// <summary>Sockets are opened only within the open-files limit; null leaves it unguarded.</summary>
    public FdBudget? Fds { get; init; }

    public IReadOnlyList<IPAddress> SourceAddresses { get; init; } = [];

    /// <summary>Shards the fleet is split into: a shard's devices are every Nth index, so they rotate over its addresses by index / N.</summary>
    public int Shards { get; init; } = 1;

    public IPAddress? SourceFor(int deviceIndex) => SourceAddresses.Count == 0 ? null : SourceAddresses[(deviceIndex / Shards) % SourceAddresses.Count];
}
