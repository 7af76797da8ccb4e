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

    /// <summary>The provider as the profile names it (<see cref="TlsProvider.Auto"/> stays auto, for the report and the written profile).</summary>
    public required TlsProvider Tls { get; init; }

    /// <summary>The provider every connect uses, <see cref="TlsProvider.Auto"/> settled once at load: OpenSSL where libssl 3 loads, else SslStream.</summary>
    public required TlsProvider ResolvedTls { get; init; }
}
