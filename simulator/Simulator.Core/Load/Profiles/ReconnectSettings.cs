namespace Simulator.Core.Load.Profiles;

/// <summary>Exponential backoff with full jitter between attempts; a device gives up after <see cref="MaxAttempts"/> failures in a row.</summary>
public sealed class ReconnectSettings
{
    public int BaseMilliseconds { get; set; } = 500;

    public int MaxMilliseconds { get; set; } = 30_000;

    public int MaxAttempts { get; set; } = 8;
}
