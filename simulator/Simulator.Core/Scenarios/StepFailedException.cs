namespace Simulator.Core.Scenarios;

/// <summary>
/// Thrown by a scenario to fail a step (and its session) under a name of its own, for example a
/// shadow request that came back rejected: the results count it under <see cref="FailureClass"/>.
/// </summary>
public sealed class StepFailedException : Exception
{
    /// <summary>A failure counted as <paramref name="failureClass"/>, with a message for people.</summary>
    public StepFailedException(string failureClass, string message)
        : base(message)
    {
        FailureClass = StepNames.CheckClass(failureClass, nameof(failureClass));
    }

    /// <summary>The name the results count it under.</summary>
    public string FailureClass { get; }
}
