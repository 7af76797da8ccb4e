namespace Simulator.Gateway.Config;

/// <summary>AWS IoT Core message-broker quotas (A.5), on by default at AWS's values. 0 turns a rate limit off.</summary>
public sealed record QuotaOptions
{
    public int ConnectsPerSecondPerAccount { get; set; } = 500;

    public int ConnectsPerSecondPerClientId { get; set; } = 1;

    /// <summary>
    /// [U] AWS does not say whether a connect over the account's or the client id's connect rate
    /// still invokes the authorizer. Default false: both rates are known before any token is read,
    /// so the throttle is applied at the front door and a throttled connect costs the authorizer
    /// nothing; a capacity test then measures the authorizer under the load AWS would let through.
    /// Set true to rehearse the pessimistic reading (every connect reaches the authorizer).
    /// </summary>
    public bool ThrottledConnectsInvokeAuthorizer { get; set; }

    public int SubscriptionsPerSecondPerAccount { get; set; } = 500;

    public int InboundPublishesPerSecondPerAccount { get; set; } = 20_000;

    public int OutboundPublishesPerSecondPerAccount { get; set; } = 20_000;

    /// <summary>Inbound and outbound together (A.5); the excess is discarded.</summary>
    public int PublishesPerSecondPerConnection { get; set; } = 100;

    public int MaxPayloadBytes { get; set; } = 128 * 1024;

    public int MaxTopicBytes { get; set; } = 256;

    public int MaxTopicSlashes { get; set; } = 7;

    public int MaxSubscriptionsPerConnection { get; set; } = 50;

    public int MaxFiltersPerSubscribe { get; set; } = 8;

    /// <summary>
    /// [U] Messages AWS may store for persistent sessions each second, account-wide (the quotas
    /// page's "queued messages per second per account"); the excess is not stored.
    /// </summary>
    public int QueuedMessagesPerSecondPerAccount { get; set; } = 500;

    /// <summary>
    /// [U] At most this many QoS 1 messages are stored for one persistent session; later ones are
    /// dropped and counted. AWS documents no per-session cap, only the account's rate and the
    /// session's expiry; a cap keeps the gateway's memory bounded over a long run.
    /// </summary>
    public int MaxQueuedMessagesPerSession { get; set; } = 100;

    /// <summary>A resumed session's stored messages go out at this rate at most: AWS's 10 a second (mqtt-persistent-sessions).</summary>
    public int QueuedDeliveriesPerSecond { get; set; } = 10;

    /// <summary>AWS clamps keep-alive to 30..1200 s and disconnects at 1.5x (A.5).</summary>
    public bool ClampKeepAlive { get; set; } = true;
}
