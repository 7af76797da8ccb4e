namespace Simulator.Core.Metrics;

/// <summary>Cloud-to-device commands: sent by the backend, received by devices. Thread-safe.</summary>
internal sealed class CommandTally
{
    private long _sent;
    private long _received;

    /// <summary>Commands the backend published (at QoS 1, with the target's PUBACK).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Commands devices received.</summary>
    public long Received => Interlocked.Read(ref _received);

    public void CountSent() => Interlocked.Increment(ref _sent);

    public void CountReceived() => Interlocked.Increment(ref _received);
}
