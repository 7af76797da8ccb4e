using System.Net;
using Simulator.Core.Transport.Link;
using Simulator.Core.Transport.OpenSsl;

namespace Simulator.Core.Transport;

/// <summary>Where and how to open a connection. Certificate validation is on unless <see cref="InsecureSkipVerify"/> says otherwise.</summary>
internal sealed record TransportOptions
{
    public required TransportKind Kind { get; init; }

    public required string Host { get; init; }

    public required int Port { get; init; }

    /// <summary>TLS server name; AWS requires SNI = the data endpoint (A.1). Defaults to <see cref="Host"/>.</summary>
    public string? ServerName { get; init; }

    /// <summary>ALPN protocols for <see cref="TransportKind.Tls"/>, e.g. ["mqtt"] for custom auth on 443. Never forced on WebSocket.</summary>
    public IReadOnlyList<string>? Alpn { get; init; }

    /// <summary>PEM file of the CA(s) to trust instead of the system store (the seed's AmazonRootCA1.pem case).</summary>
    public string? CaFile { get; init; }

    /// <summary>Turns certificate validation off. Only ever set from an explicit user choice.</summary>
    public bool InsecureSkipVerify { get; init; }

    /// <summary>
    /// Resume a TLS session. Off by default: each virtual device is its own modem, so without this
    /// every connect is a full handshake. On, the OpenSSL provider resumes the device's own session
    /// (<see cref="TlsSession"/>); SslStream resumes from .NET's process-wide cache per server name,
    /// so a device may resume another device's session there.
    /// </summary>
    public bool TlsResume { get; init; }

    /// <summary>The TLS implementation; <see cref="TlsProvider.Auto"/> is OpenSSL where libssl 3 loads.</summary>
    public TlsProvider Tls { get; init; } = TlsProvider.Auto;

    /// <summary>
    /// The device's own session cache for <see cref="TlsResume"/> on the OpenSSL provider: it resumes
    /// only what this slot holds. Null resumes nothing there. SslStream ignores it (its cache is per process).
    /// </summary>
    public TlsSessionSlot? TlsSession { get; init; }

    /// <summary>Source address to bind, to spread connections over 127.0.0.2, 127.0.0.3, … past the ephemeral-port limit.</summary>
    public IPAddress? LocalAddress { get; init; }

    public string WebSocketPath { get; init; } = "/mqtt";

    /// <summary>"mqtt" by default; the AWS SDK v1 sends "mqttv3.1".</summary>
    public string WebSocketSubprotocol { get; init; } = "mqtt";

    /// <summary>Extra headers on the WebSocket upgrade, e.g. the custom-auth values.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Query string (without '?') appended to the WebSocket path.</summary>
    public string? Query { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>When set, a socket is opened only within this open-files budget (else FdExhausted).</summary>
    public FdBudget? FdBudget { get; init; }

    /// <summary>The device's cellular link, which holds every byte each way and the TCP handshake; null connects at loopback speed.</summary>
    public LinkModel? Link { get; init; }

    public bool IsTls => Kind is TransportKind.Tls or TransportKind.SecureWebSocket;

    public bool IsWebSocket => Kind is TransportKind.WebSocket or TransportKind.SecureWebSocket;
}
