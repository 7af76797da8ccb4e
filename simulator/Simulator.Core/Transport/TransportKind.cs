namespace Simulator.Core.Transport;

/// <summary>How MQTT bytes reach the broker (spec/protocols.md A.1).</summary>
internal enum TransportKind
{
    /// <summary>Plain TCP, for generic brokers (1883).</summary>
    Tcp,

    /// <summary>TLS; with ALPN "mqtt" on 443 this is AWS's custom-auth MQTT (credentials in the username).</summary>
    Tls,

    /// <summary>WebSocket over plain TCP (ws://), for local brokers.</summary>
    WebSocket,

    /// <summary>WebSocket over TLS (wss://host/mqtt), custom auth in headers or query.</summary>
    SecureWebSocket,
}
