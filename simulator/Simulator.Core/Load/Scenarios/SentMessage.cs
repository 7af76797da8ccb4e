namespace Simulator.Core.Load.Scenarios;

/// <summary>One of a device's recent messages, as the device remembers it to know it when it comes back.</summary>
internal struct SentMessage
{
    /// <summary>The device had its PUBACK (QoS 1), or sent it (QoS 0): a backend should get it.</summary>
    public const int Acked = 1;

    /// <summary>A backend consumer got it.</summary>
    public const int Delivered = 2;

    /// <summary>It came back to the device itself.</summary>
    public const int OwnBack = 4;

    /// <summary>The body's fingerprint; 0 while the slot is being written.</summary>
    public ulong Fingerprint;

    public long Sequence;

    /// <summary>When it was sent (Stopwatch timestamp).</summary>
    public long SentAt;

    /// <summary><see cref="Acked"/>, <see cref="Delivered"/>, <see cref="OwnBack"/>: set with Interlocked, from the device's loop and the receive paths.</summary>
    public int Flags;
}
