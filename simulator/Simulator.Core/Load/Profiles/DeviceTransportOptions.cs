using System.Net;
using Simulator.Core.Transport;

namespace Simulator.Core.Load.Profiles;

/// <summary>How devices reach the broker, resolved: source addresses parsed, this shard's share taken.</summary>
internal sealed record DeviceTransportOptions
{
    public required DeviceTransportKind Kind { get; init; }

    public required string Subprotocol { get; init; }

    public required CredentialsMode Credentials { get; init; }

    /// <summary>Source addresses to spread connections over (past 28k ports each); empty for the system's choice.</summary>
    public required IReadOnlyList<IPAddress> SourceAddresses { get; init; }

    public required double ConnectTimeoutSeconds { get; init; }

    /// <summary>TLS session resumption, as an nRF9160 that caches its session does on reconnects (see <see cref="TransportSettings.TlsResume"/>).</summary>
    public required bool TlsResume { get; init; }

    public required TlsProvider Tls { get; init; }
}
