namespace Simulator.Core.Load.Profiles;

/// <summary>
/// Connects made before the plan starts and left out of every figure: the generator's first TLS
/// handshakes pay for JIT compilation, and without a warm-up the first second's arrivals measured
/// this process starting up, not the target. A target that refuses every one of them stops the
/// run before its plan, unless <paramref name="Required"/> is false.
/// </summary>
/// <param name="Devices">Devices (taken from the end of the fleet) that connect once and disconnect; 0 turns warm-up off.</param>
/// <param name="Required">When every warm-up device that tried was refused (no timeouts), abort before the plan with the failure named; false runs the plan anyway.</param>
internal sealed record WarmUpSettings(int Devices = 10, bool Required = true);
