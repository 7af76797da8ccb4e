using System.Text.Json.Serialization;
using Simulator.Core.Transport;

namespace Simulator.Core.Load.Profiles;

/// <summary>How devices reach the broker.</summary>
internal sealed class TransportSettings
{
    /// <summary>"wss-custom-auth", "mqtt-alpn", "https-publish" or "mqtt-tcp".</summary>
    public DeviceTransportKind Kind { get; set; } = DeviceTransportKind.WssCustomAuth;

    public string Subprotocol { get; set; } = "mqtt";

    /// <summary>"headers" or "query" for WebSocket and HTTPS credentials.</summary>
    public CredentialsMode Credentials { get; set; } = CredentialsMode.Headers;

    /// <summary>Source addresses to spread connections over (past 28k ports each).</summary>
    public IReadOnlyList<string> SourceAddresses { get; set; } = [];

    public double ConnectTimeoutSeconds { get; set; } = 15;

    /// <summary>
    /// TLS session resumption, as an nRF9160 that caches its session would do on reconnects. Off by
    /// default, so every connect is a full handshake as a fleet's first connects are. On, each device
    /// resumes only its own session on the OpenSSL provider; SslStream's cache is process-wide, so
    /// there a device resumes the latest session any device got.
    /// </summary>
    public bool TlsResume { get; set; }

    /// <summary>"openssl", "sslstream" or "auto" (the default: OpenSSL where libssl 3 loads).</summary>
    [JsonConverter(typeof(ProfileEnumConverter<TlsProvider>))]
    public TlsProvider Tls { get; set; } = TlsProvider.Auto;
}
