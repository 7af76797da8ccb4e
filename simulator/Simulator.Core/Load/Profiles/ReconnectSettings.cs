namespace Simulator.Core.Load.Profiles;

/// <summary>Exponential backoff with full jitter between attempts; a device gives up after <paramref name="MaxAttempts"/> failures in a row.</summary>
/// <param name="BaseMilliseconds">The first backoff's ceiling.</param>
/// <param name="MaxMilliseconds">No backoff is longer.</param>
/// <param name="MaxAttempts">Failures in a row before the device gives up.</param>
public sealed record ReconnectSettings(int BaseMilliseconds = 500, int MaxMilliseconds = 30_000, int MaxAttempts = 8);
