namespace Simulator.Core.Transport.Link;

/// <summary>Something an <see cref="ITimerQueue"/> wakes when it is due.</summary>
internal interface ITimerItem
{
    /// <summary>
    /// Completes the wait of <paramref name="generation"/> if it is still pending. With
    /// <paramref name="inline"/> the waiter's continuation may run on the timer's thread; true when it
    /// did, which counts against the timer's budget of inline work per tick.
    /// </summary>
    bool Fire(long generation, bool inline);
}
