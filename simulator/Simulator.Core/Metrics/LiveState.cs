using Simulator.Core.Health;

namespace Simulator.Core.Metrics;

/// <summary>The latest second's device states and generator health, read by the observable instruments.</summary>
internal sealed record LiveState(long Connecting, long Connected, long BackingOff, long GivenUp, HealthSample Health, int SaturatedSeconds)
{
    public long Sleeping { get; init; }
}
