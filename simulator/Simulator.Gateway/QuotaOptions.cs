namespace Simulator.Gateway;

/// <summary>AWS IoT Core message-broker quotas (A.5), on by default at AWS's values. 0 turns a rate limit off.</summary>
public sealed record QuotaOptions
{
    public int ConnectsPerSecondPerAccount { get; set; } = 500;

    public int ConnectsPerSecondPerClientId { get; set; } = 1;

    public int PublishesPerSecondPerConnection { get; set; } = 100;

    public int MaxPayloadBytes { get; set; } = 128 * 1024;

    public int MaxTopicBytes { get; set; } = 256;

    public int MaxTopicSlashes { get; set; } = 7;

    public int MaxSubscriptionsPerConnection { get; set; } = 50;

    public int MaxFiltersPerSubscribe { get; set; } = 8;

    /// <summary>AWS clamps keep-alive to 30..1200 s and disconnects at 1.5x (A.5).</summary>
    public bool ClampKeepAlive { get; set; } = true;
}
