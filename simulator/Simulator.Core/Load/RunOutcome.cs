using Simulator.Core.Metrics;

namespace Simulator.Core.Load;

/// <summary>What a run produced: its per-second rows and when it ran.</summary>
public sealed record RunOutcome(DateTimeOffset StartedAt, double DurationSeconds, IReadOnlyList<SecondRow> Rows, bool Cancelled, int PlannedDevices, long PeakConnected);
