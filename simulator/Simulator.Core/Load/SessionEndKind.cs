namespace Simulator.Core.Load;

/// <summary>How one attempt of a scenario ended, which decides what the device does next.</summary>
internal enum SessionEndKind
{
    /// <summary>The session ended as planned (its length, a visit, the run's stop): reconnect at once.</summary>
    Planned,

    /// <summary>It was connected and then lost (counted as a drop): reconnect after a short backoff, failures reset.</summary>
    Lost,

    /// <summary>A duty-cycled device's wake is done: it disconnected and sleeps until <see cref="SessionEnd.WakeAt"/>.</summary>
    Sleep,

    /// <summary>The attempt never connected (counted as a named failure): back off, and give up after the configured attempts.</summary>
    Failed,
}
