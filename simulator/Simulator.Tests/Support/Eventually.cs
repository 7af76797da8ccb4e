namespace Simulator.Tests.Support;

/// <summary>
/// Waits for a condition without blocking the test's thread: xunit runs a test's continuations on
/// a few threads of its own, so a test that spins on one can starve the very client it waits for.
/// </summary>
public static class Eventually
{
    /// <summary>True once <paramref name="condition"/> holds, polled every 10 ms; false after <paramref name="within"/>.</summary>
    public static async Task<bool> TrueAsync(Func<bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }
}
