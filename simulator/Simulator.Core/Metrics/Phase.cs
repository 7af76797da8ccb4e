namespace Simulator.Core.Metrics;

/// <summary>The timed phases of a device's life, one histogram each.</summary>
public enum Phase
{
    TokenFetch,
    TokenMint,
    Dns,
    Tcp,
    Tls,
    WebSocket,
    ConnAck,
    Connect,
    PubAck,
    EndToEnd,
    HttpPublish,
    Location,
}
