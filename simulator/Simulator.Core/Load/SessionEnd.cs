namespace Simulator.Core.Load;

/// <summary>What a scenario's attempt returns: a planned end, a sleep until the next wake, a session lost after being connected, or a failure with its class.</summary>
internal readonly record struct SessionEnd(SessionEndKind Kind, string? FailureClass)
{
    /// <summary>For <see cref="SessionEndKind.Sleep"/>: when the device wakes next (a Stopwatch timestamp).</summary>
    public long WakeAt { get; init; }

    public static SessionEnd Sleep(long wakeAt) => new(SessionEndKind.Sleep, null) { WakeAt = wakeAt };

    public static SessionEnd Planned => new(SessionEndKind.Planned, null);

    public static SessionEnd Lost => new(SessionEndKind.Lost, null);

    public static SessionEnd Failed(string failureClass) => new(SessionEndKind.Failed, failureClass);
}
