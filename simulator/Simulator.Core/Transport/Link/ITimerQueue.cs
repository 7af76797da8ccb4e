namespace Simulator.Core.Transport.Link;

/// <summary>
/// A shared timer for many waits: the load engine's one scheduler, so a link's packet delays cost
/// a queue entry each, not a timer or a task. Thread-safe.
/// </summary>
internal interface ITimerQueue
{
    /// <summary>How often due items are checked: a wait ends up to this much after its due time.</summary>
    TimeSpan Resolution { get; }

    /// <summary>Calls <paramref name="item"/>'s <see cref="ITimerItem.Fire"/> with <paramref name="generation"/> at <paramref name="dueTimestamp"/> (a Stopwatch timestamp) or soon after.</summary>
    void Schedule(ITimerItem item, long generation, long dueTimestamp);
}
