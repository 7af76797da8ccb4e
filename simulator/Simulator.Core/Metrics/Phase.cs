namespace Simulator.Core.Metrics;

/// <summary>The timed phases of a device's life, one histogram each.</summary>
internal enum Phase
{
    TokenFetch,
    TokenMint,
    Dns,
    Tcp,
    Tls,
    WebSocket,
    ConnAck,

    /// <summary>From when the attempt was due (planned arrival, or end of backoff) to CONNACK: generator lag included, not hidden.</summary>
    Connect,
    PubAck,
    EndToEnd,
    HttpPublish,
    Location,

    /// <summary>How late a device started against its planned arrival: the generator's own lag.</summary>
    ScheduleLag,

    /// <summary>Age of sessions that ended without being asked to.</summary>
    SessionAgeAtDrop,

    /// <summary>Fan-in: a device's PUBLISH sent to a backend consumer's receipt of it.</summary>
    Delivery,

    /// <summary>Cloud to device: the backend's command PUBLISH sent to the device's receipt of it.</summary>
    Command,
}
