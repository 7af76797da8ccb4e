namespace Simulator.Core.Metrics;

/// <summary>
/// What backend consumers got of the fleet's messages, counted against what the devices sent.
/// Thread-safe: every consumer connection and every device counts into it.
/// </summary>
internal sealed class DeliveryTally
{
    private long _received;
    private long _duplicates;
    private long _unknown;
    private long _lost;

    /// <summary>Device messages a consumer got for the first time.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Device messages a consumer had already got (a redelivery, or the same message to two members of one group).</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Messages a consumer got that are not among their device's last 64 (far too late, or not sent by this run).</summary>
    public long Unknown => Interlocked.Read(ref _unknown);

    /// <summary>Messages a device had its PUBACK for (or sent, at QoS 0) that no consumer got: within its next 64 messages, or by the run's end.</summary>
    public long Lost => Interlocked.Read(ref _lost);

    internal void Got() => Interlocked.Increment(ref _received);

    internal void Duplicate() => Interlocked.Increment(ref _duplicates);

    internal void Stranger() => Interlocked.Increment(ref _unknown);

    internal void Lose() => Interlocked.Increment(ref _lost);
}
