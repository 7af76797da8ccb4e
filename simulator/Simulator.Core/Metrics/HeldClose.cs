namespace Simulator.Core.Metrics;

/// <summary>
/// A close the server made, held until the fleet's view names it: when, its own name, what the
/// device last sent, how many sessions were connected then, and when its session began (both
/// Stopwatch timestamps; <see cref="BornAt"/> 0 when unknown, read as "before any close").
/// </summary>
internal readonly record struct HeldClose(long At, string Name, string LastAction, long ConnectedThen, long BornAt = 0);
