using System.Diagnostics;

namespace Simulator.Core.Transport.Link;

/// <summary>
/// eDRX as the network applies it to downlink (3GPP TS 23.682 §4.5.13, TS 36.304 §7.3): an idle
/// device hears paging only in a window at the start of each cycle, so downlink data that arrives
/// while it is idle waits for the next window. The device is not idle while its radio is connected:
/// for <see cref="InactivitySeconds"/> after its last traffic either way (the network's RRC
/// inactivity timer). Each device's windows start at its own offset in the cycle, fixed by its index.
/// </summary>
/// <param name="CycleSeconds">The eDRX cycle.</param>
/// <param name="WindowSeconds">The paging time window.</param>
/// <param name="InactivitySeconds">Connected time after the last traffic either way.</param>
internal sealed record LinkPaging(double CycleSeconds, double WindowSeconds, double InactivitySeconds)
{
    internal long CycleTicks => (long)(CycleSeconds * Stopwatch.Frequency);

    internal long WindowTicks => (long)(WindowSeconds * Stopwatch.Frequency);

    internal long InactivityTicks => (long)(InactivitySeconds * Stopwatch.Frequency);

    /// <summary>The first instant at or after <paramref name="at"/> inside one of the device's windows (<paramref name="offset"/> into the cycle).</summary>
    internal long NextWindow(long at, long offset)
    {
        var cycle = CycleTicks;
        var into = (((at - offset) % cycle) + cycle) % cycle;
        return into < WindowTicks ? at : at + (cycle - into);
    }
}
