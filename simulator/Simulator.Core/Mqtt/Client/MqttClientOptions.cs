namespace Simulator.Core.Mqtt.Client;

/// <summary>The MQTT session settings of one client connection.</summary>
internal sealed record MqttClientOptions
{
    public required string ClientId { get; init; }

    /// <summary>For AWS custom auth over TLS/ALPN this carries the query-string credentials (A.1).</summary>
    public string? Username { get; init; }

    public byte[]? Password { get; init; }

    /// <summary>Seconds; 0 turns keep-alive off. AWS clamps to 30..1200 (A.5).</summary>
    public ushort KeepAliveSeconds { get; init; } = 60;

    public bool CleanSession { get; init; } = true;

    /// <summary>Connect timeout from the first DNS query to CONNACK.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public int MaxPacketSize { get; init; } = MqttFraming.DefaultMaxPacketSize;

    /// <summary>Unacknowledged QoS 1 publishes allowed at once; AWS allows 100 (A.5).</summary>
    public int InflightWindow { get; init; } = 100;

    /// <summary>A PUBACK, SUBACK or UNSUBACK later than this ends the connection (AckTimeout); zero waits forever.</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>3.1.1 or 5.0; the fields below apply to 5.0 only.</summary>
    public MqttVersion Version { get; init; } = MqttVersion.V311;

    /// <summary>v5 §3.1.2.11.2: how long the server keeps the session after the connection ends; 0 ends it with the connection.</summary>
    public uint SessionExpirySeconds { get; init; }

    /// <summary>User Properties sent in CONNECT (v5 §3.1.2.11.8), e.g. the firmware version.</summary>
    public IReadOnlyList<MqttUserProperty> UserProperties { get; init; } = [];

    /// <summary>Properties every PUBLISH carries, encoded once (v5 §3.3.2.3): user properties, content type, message expiry. Never a Topic Alias.</summary>
    public byte[] PublishProperties { get; init; } = [];

    /// <summary>
    /// The connection's message handler from its first PUBLISH on. A resumed session's stored
    /// messages may come right behind CONNACK, before a handler set on the connection would be.
    /// </summary>
    public MqttMessageHandler? MessageReceived { get; init; }

    /// <summary>Names a topic by a Topic Alias after its first PUBLISH, up to the server's Topic Alias Maximum (v5 §3.3.2.3.4).</summary>
    public bool TopicAliases { get; init; } = true;
}
