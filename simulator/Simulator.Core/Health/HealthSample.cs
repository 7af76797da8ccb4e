namespace Simulator.Core.Health;

/// <summary>The load generator's own health in one second.</summary>
internal sealed record HealthSample(
    double CpuPercent,
    double? MachineCpuPercent,
    long ThreadPoolQueue,
    int ThreadPoolThreads,
    double SchedulerLagP99Ms,
    double GcPauseMs,
    long? OpenFiles,
    long? OpenFileLimit,
    long WorkingSetBytes,
    bool Hot);
