namespace Simulator.Core.Load;

/// <summary>What a scenario's attempt returns: a planned end, a session lost after being connected, or a failure with its class.</summary>
public readonly record struct SessionEnd(SessionEndKind Kind, string? FailureClass)
{
    public static SessionEnd Planned => new(SessionEndKind.Planned, null);

    public static SessionEnd Lost => new(SessionEndKind.Lost, null);

    public static SessionEnd Failed(string failureClass) => new(SessionEndKind.Failed, failureClass);
}
