namespace Simulator.Core.Load.Profiles;

/// <summary>
/// How <c>simulator capacity</c> searches for the highest sustainable connect rate: steps of
/// open-model arrivals (each device connects once, holds <paramref name="SessionSeconds"/>, leaves),
/// rising by <paramref name="Growth"/> from <paramref name="StartRate"/> until a step breaks a limit or
/// <paramref name="MaxRate"/> is reached, then <paramref name="RefineSteps"/> bisections between the last
/// good and the first bad step. The defaults serve a first try against a test stage.
/// </summary>
/// <param name="StartRate">Connects per second offered by the first step.</param>
/// <param name="MaxRate">The search stops here: the result is then "at least this".</param>
/// <param name="Growth">Each climbing step offers this many times the previous rate.</param>
/// <param name="StepSeconds">How long each step offers its rate: long enough for the target's queues and autoscaling to show.</param>
/// <param name="SessionSeconds">How long each arriving device stays connected before it disconnects.</param>
/// <param name="RefineSteps">Bisections between the last good and the first bad rate.</param>
/// <param name="Retries">
/// A bad step during which the generator was disturbed (a hot second, late arrivals: see
/// <c>CapacityStep.Disturbed</c>) is offered again, up to this many times, before the search
/// concludes that this machine, not the target, set the limit.
/// </param>
/// <param name="CooldownSeconds">Pause after each step, so its sessions end before the next step starts.</param>
/// <param name="Limits">What makes a step bad; null reads as the defaults.</param>
internal sealed record CapacitySettings(
    double StartRate = 10,
    double MaxRate = 500,
    double Growth = 1.5,
    double StepSeconds = 20,
    double SessionSeconds = 1,
    int RefineSteps = 3,
    int Retries = 2,
    double CooldownSeconds = 3,
    CapacityLimits? Limits = null)
{
    public CapacityLimits Limits { get; init; } = Limits ?? new();
}
