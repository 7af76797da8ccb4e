namespace Simulator.Core.Load.Profiles;

/// <summary>
/// How <c>simulator capacity</c> searches for the highest sustainable connect rate: steps of
/// open-model arrivals (each device connects once, holds <see cref="SessionSeconds"/>, leaves),
/// rising by <see cref="Growth"/> from <see cref="StartRate"/> until a step breaks a limit or
/// <see cref="MaxRate"/> is reached, then <see cref="RefineSteps"/> bisections between the last
/// good and the first bad step. The defaults serve a first try against a test stage.
/// </summary>
public sealed class CapacitySettings
{
    /// <summary>Connects per second offered by the first step.</summary>
    public double StartRate { get; set; } = 10;

    /// <summary>The search stops here: the result is then "at least this".</summary>
    public double MaxRate { get; set; } = 500;

    /// <summary>Each climbing step offers this many times the previous rate.</summary>
    public double Growth { get; set; } = 1.5;

    /// <summary>How long each step offers its rate: long enough for the target's queues and autoscaling to show.</summary>
    public double StepSeconds { get; set; } = 20;

    /// <summary>How long each arriving device stays connected before it disconnects.</summary>
    public double SessionSeconds { get; set; } = 1;

    /// <summary>Bisections between the last good and the first bad rate.</summary>
    public int RefineSteps { get; set; } = 3;

    /// <summary>
    /// A bad step during which the generator was disturbed (a hot second, late arrivals: see
    /// <c>CapacityStep.Disturbed</c>) is offered again, up to this many times, before the search
    /// concludes that this machine, not the target, set the limit.
    /// </summary>
    public int Retries { get; set; } = 2;

    /// <summary>Pause after each step, so its sessions end before the next step starts.</summary>
    public double CooldownSeconds { get; set; } = 3;

    public CapacityLimits Limits { get; set; } = new();
}
