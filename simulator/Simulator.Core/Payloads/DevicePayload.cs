namespace Simulator.Core.Payloads;

/// <summary>
/// One device's message body: what it keeps between messages (its random source, its wandering
/// fix) and how it writes the next one. Used by the device's own loop only, one message at a time.
/// </summary>
internal abstract class DevicePayload
{
    /// <summary>The most bytes <see cref="Write"/> writes.</summary>
    public abstract int MaxBytes { get; }

    /// <summary>Writes message <paramref name="sequence"/>, sent at <paramref name="unixMs"/>, into <paramref name="destination"/> (at least <see cref="MaxBytes"/> long); returns its length.</summary>
    public abstract int Write(Span<byte> destination, long sequence, long unixMs);
}
