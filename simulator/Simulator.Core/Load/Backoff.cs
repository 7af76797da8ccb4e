using Simulator.Core.Load.Profiles;

namespace Simulator.Core.Load;

/// <summary>Backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): uniform in [0, ceiling], or the ceiling itself.</summary>
internal static class Backoff
{
    /// <summary>The policy's backoff before attempt <paramref name="attempt"/>: drawn below its ceiling with full jitter, or the ceiling itself.</summary>
    public static TimeSpan For(ReconnectPolicy policy, int attempt, Random random)
    {
        var ceiling = policy.CeilingMilliseconds(attempt);
        return TimeSpan.FromMilliseconds(policy.Jitter == ReconnectJitter.None ? ceiling : random.NextDouble() * ceiling);
    }
}
