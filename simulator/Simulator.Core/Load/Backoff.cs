namespace Simulator.Core.Load;

/// <summary>Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): uniform in [0, min(cap, base·2^attempt)].</summary>
internal static class Backoff
{
    public static TimeSpan FullJitter(int attempt, int baseMs, int maxMs, Random random)
    {
        var ceiling = Math.Min(maxMs, baseMs * Math.Pow(2, Math.Min(attempt, 30)));
        return TimeSpan.FromMilliseconds(random.NextDouble() * ceiling);
    }
}
