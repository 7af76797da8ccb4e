using Simulator.Core.Histograms;
using Simulator.Core.Metrics;
using Simulator.Core.Transport;

namespace Simulator.Core.Load;

/// <summary>What the engine reads once a second besides its devices and its recorder.</summary>
/// <param name="SchedulerLag">Takes the shared delay scheduler's lag since the last call (<see cref="DelayScheduler.TakeLag"/>).</param>
/// <param name="Fds">The descriptor budget the devices' connections draw on, for the open-files figure.</param>
/// <param name="Authorizer">The embedded target's authorizer counters (cumulative); null against a real target, which does not tell.</param>
internal sealed record EngineGauges(Func<LatencyHistogram> SchedulerLag, FdBudget? Fds = null, Func<AuthorizerSample>? Authorizer = null);
