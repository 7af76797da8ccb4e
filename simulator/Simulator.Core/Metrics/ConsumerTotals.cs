namespace Simulator.Core.Metrics;

/// <summary>What a run's backend consumers got of the fleet's messages (<see cref="DeliveryTally"/>), once they drained.</summary>
internal sealed record ConsumerTotals
{
    /// <summary>Consumer connections.</summary>
    public required int Count { get; init; }

    /// <summary>The filter they subscribed to.</summary>
    public required string Topic { get; init; }

    public required long Received { get; init; }

    public required long Duplicates { get; init; }

    public required long Unknown { get; init; }

    public required long Lost { get; init; }

    /// <summary>Consumer connections that ended before the run did.</summary>
    public required long DroppedConnections { get; init; }

    /// <summary>Lost over all that should have arrived (received and lost); 0 when there was none.</summary>
    public double LossRate => Received + Lost == 0 ? 0 : Lost / (double)(Received + Lost);

    /// <summary>Shards' consumers as one: counts added.</summary>
    public static ConsumerTotals? Combine(IEnumerable<ConsumerTotals?> parts)
    {
        var list = parts.OfType<ConsumerTotals>().ToList();
        return list.Count == 0 ? null : new ConsumerTotals
        {
            Count = list.Sum(c => c.Count),
            Topic = list[0].Topic,
            Received = list.Sum(c => c.Received),
            Duplicates = list.Sum(c => c.Duplicates),
            Unknown = list.Sum(c => c.Unknown),
            Lost = list.Sum(c => c.Lost),
            DroppedConnections = list.Sum(c => c.DroppedConnections),
        };
    }
}
