namespace Simulator.Core.Load.Profiles;

/// <summary>
/// Connects made before the plan starts and left out of every figure: the generator's first TLS
/// handshakes pay for JIT compilation, and without a warm-up the first second's arrivals measured
/// this process starting up, not the target.
/// </summary>
public sealed class WarmUpSettings
{
    /// <summary>Devices (taken from the end of the fleet) that connect once and disconnect; 0 turns warm-up off.</summary>
    public int Devices { get; set; } = 10;
}
