namespace Simulator.Gateway.Config;

/// <summary>How the gateway answers MQTT 5 clients, at AWS IoT Core's documented values (docs/mqtt5.md).</summary>
public sealed record Mqtt5Options
{
    /// <summary>
    /// [U] The CONNACK reason code a custom authorizer's deny (or a bad token signature, or a failed
    /// authorizer) gets. AWS does not document it; one report of an MQTT 5 client over WSS saw 0x87
    /// Not authorized, which is the default. 0x86 (Bad User Name or Password) is the other reading.
    /// </summary>
    public byte CustomAuthDenyReasonCode { get; set; } = 0x87;

    /// <summary>
    /// AWS's persistent session expiry: it caps a CONNECT's Session Expiry Interval at 3600 s by
    /// default (an account may raise it to 7 days) and returns the capped value in CONNACK. A 3.1.1
    /// session with Clean Session off is kept this long too.
    /// </summary>
    public uint MaxSessionExpirySeconds { get; set; } = 3600;

    /// <summary>The Topic Alias Maximum CONNACK offers: AWS's default is 8.</summary>
    public ushort TopicAliasMaximum { get; set; } = 8;

    /// <summary>The Receive Maximum CONNACK sends: AWS allows 100 unacknowledged QoS 1 messages a connection.</summary>
    public ushort ReceiveMaximum { get; set; } = 100;

    /// <summary>
    /// [U] A WebSocket upgrade that carries custom-auth values is authenticated before any MQTT;
    /// by default a deny is an HTTP 401 or 403, as for 3.1.1. True accepts the upgrade instead and
    /// answers the CONNECT: an MQTT 5 CONNACK with <see cref="CustomAuthDenyReasonCode"/>, a
    /// close without CONNACK at 3.1.1, so a run can rehearse either reading.
    /// </summary>
    public bool DenyWebSocketUpgradesAtConnect { get; set; }
}
