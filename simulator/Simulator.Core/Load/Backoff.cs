namespace Simulator.Core.Load;

/// <summary>Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): uniform in [0, min(cap, base·2^attempt)].</summary>
internal static class Backoff
{
    public static TimeSpan FullJitter(int attempt, int baseMs, int maxMs, Random random)
    {
        var ceiling = Math.Min(maxMs, baseMs * Math.Pow(2, Math.Min(attempt, 30)));
        return TimeSpan.FromMilliseconds(random.NextDouble() * ceiling);
    }

    /// <summary>The policy's backoff before attempt <paramref name="attempt"/>: full jitter, or the ceiling itself.</summary>
    public static TimeSpan For(Profiles.ReconnectSettings policy, int attempt, Random random) => policy.Jitter == Profiles.ReconnectJitter.None
        ? TimeSpan.FromMilliseconds(Math.Min(policy.MaxMilliseconds, policy.BaseMilliseconds * Math.Pow(2, Math.Min(attempt, 30))))
        : FullJitter(attempt, policy.BaseMilliseconds, policy.MaxMilliseconds, random);
}
