using System.ComponentModel;

namespace Simulator.Core.Results.Summary;

/// <summary>Whether every device and attempt was accounted for, every second and at the end.</summary>
[Description("Whether every device and attempt was accounted for, every second and at the end.")]
public sealed record AccountingSummary
{
    public required bool Holds { get; init; }

    [Description("Seconds in which a check failed.")]
    public required long BrokenSeconds { get; init; }

    [Description("The first broken check in words; null when it holds.")]
    public required string? Problem { get; init; }

    public required long ArrivalsPlanned { get; init; }

    public required long ArrivalsStarted { get; init; }

    public required long AttemptsInFlightAtEnd { get; init; }
}
