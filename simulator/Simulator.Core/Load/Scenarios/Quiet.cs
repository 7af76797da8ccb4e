using System.Diagnostics;

namespace Simulator.Core.Load.Scenarios;

/// <summary>Waits for messages still in flight: until a running count has not moved for half a second.</summary>
internal static class Quiet
{
    /// <summary>Returns once <paramref name="count"/> stood still for half a second, or after <paramref name="limit"/>.</summary>
    public static async Task UntilAsync(Func<long> count, TimeSpan limit)
    {
        var until = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        var last = -1L;
        while (Stopwatch.GetTimestamp() < until && count() is var now && now != last)
        {
            last = now;
            await Task.Delay(500).ConfigureAwait(false);
        }
    }
}
