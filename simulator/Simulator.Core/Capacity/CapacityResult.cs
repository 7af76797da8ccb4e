namespace Simulator.Core.Capacity;

/// <summary>What a capacity search found.</summary>
internal sealed record CapacityResult
{
    /// <summary>The highest offered rate whose step kept within every limit (0 when none did).</summary>
    public double SustainableConnectsPerSecond { get; init; }

    /// <summary>
    /// <see cref="LimitedBy.Target"/>: a step broke a limit while the generator was healthy;
    /// <see cref="LimitedBy.Generator"/>: this machine gave out first, the figure is a lower bound;
    /// <see cref="LimitedBy.MaxRate"/>: the search reached its maximum with every step good.
    /// </summary>
    public required string LimitedBy { get; init; }

    /// <summary>The lowest rate seen to break a limit; null when none did.</summary>
    public double? KneeConnectsPerSecond { get; init; }

    public required IReadOnlyList<CapacityStep> Steps { get; init; }

    /// <summary>One sentence for people: what the figure means.</summary>
    public required string Conclusion { get; init; }

    public bool Cancelled { get; init; }
}
