namespace Simulator.Gateway;

/// <summary>AWS IoT Core message-broker quotas (A.5), on by default at AWS's values. 0 turns a rate limit off.</summary>
public sealed record QuotaOptions
{
    public int ConnectsPerSecondPerAccount { get; init; } = 500;

    public int ConnectsPerSecondPerClientId { get; init; } = 1;

    public int PublishesPerSecondPerConnection { get; init; } = 100;

    public int MaxPayloadBytes { get; init; } = 128 * 1024;

    public int MaxTopicBytes { get; init; } = 256;

    public int MaxTopicSlashes { get; init; } = 7;

    public int MaxSubscriptionsPerConnection { get; init; } = 50;

    public int MaxFiltersPerSubscribe { get; init; } = 8;

    /// <summary>AWS clamps keep-alive to 30..1200 s and disconnects at 1.5x (A.5).</summary>
    public bool ClampKeepAlive { get; init; } = true;
}
