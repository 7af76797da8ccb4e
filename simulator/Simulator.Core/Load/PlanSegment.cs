using Simulator.Core.Load.Profiles;

namespace Simulator.Core.Load;

/// <summary>One phase laid on the time line: from <see cref="From"/> to <see cref="To"/> devices over <see cref="Duration"/> seconds.</summary>
internal sealed record PlanSegment(double Start, double Duration, double From, double To, PhaseKind Kind, double Rate)
{
    /// <summary>For a spike: the level it jumps from.</summary>
    public double Before { get; init; }

    /// <summary>For an outage: the share of the fleet whose links go down.</summary>
    public double Share { get; init; } = 1;
}
