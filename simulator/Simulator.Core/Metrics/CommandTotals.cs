namespace Simulator.Core.Metrics;

/// <summary>A run's cloud-to-device commands, once the backend stopped and in-flight commands arrived.</summary>
internal sealed record CommandTotals
{
    public required double RatePerSecond { get; init; }

    public required string Topic { get; init; }

    public required long Sent { get; init; }

    public required long Received { get; init; }

    /// <summary>Sent and never received: the device's session ended first (AWS drops a command to a device without a persistent session), or it was lost.</summary>
    public long Missed => Math.Max(0, Sent - Received);

    public double MissRate => Sent == 0 ? 0 : Missed / (double)Sent;

    /// <summary>Shards' commands as one: counts added.</summary>
    public static CommandTotals? Combine(IEnumerable<CommandTotals?> parts)
    {
        var list = parts.OfType<CommandTotals>().ToList();
        return list.Count == 0 ? null : new CommandTotals
        {
            RatePerSecond = list.Sum(c => c.RatePerSecond),
            Topic = list[0].Topic,
            Sent = list.Sum(c => c.Sent),
            Received = list.Sum(c => c.Received),
        };
    }
}
