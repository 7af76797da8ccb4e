namespace Simulator.Core.Results;

/// <summary>A shard's <c>devices</c> block of summary.json.</summary>
public sealed record ShardDevices(long Fleet, long Planned, long PeakConnected, long ConnectedAtLastHold, long Started, long Ended, long Crashed, long NotStopped);
