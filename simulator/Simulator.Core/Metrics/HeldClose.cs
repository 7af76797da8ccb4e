namespace Simulator.Core.Metrics;

/// <summary>A close the server made, held until the fleet's view names it: when, its own name, what the device last sent, and how many sessions were connected then.</summary>
internal readonly record struct HeldClose(long At, string Name, string LastAction, long ConnectedThen);
