namespace Simulator.Core.Load.Scenarios;

/// <summary>One of a device's recent messages, as the device remembers it to know it when it comes back.</summary>
internal struct SentMessage
{
    /// <summary>The body's fingerprint; 0 while the slot is being written, and once the message came back.</summary>
    public ulong Fingerprint;

    public long Sequence;

    /// <summary>When it was sent (Stopwatch timestamp).</summary>
    public long SentAt;
}
