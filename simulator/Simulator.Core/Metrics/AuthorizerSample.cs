namespace Simulator.Core.Metrics;

/// <summary>
/// The target's authorizer as the embedded gateway counts it: cumulative invocations (connects
/// and policy refreshes apart), throttles, cold starts, timeouts, and invocations in flight now.
/// A run takes one a second and reports the differences.
/// </summary>
public readonly record struct AuthorizerSample(long Invocations, long Refreshes, long Throttles, long ColdStarts, long Timeouts, int InFlight)
{
    public AuthorizerSample Since(AuthorizerSample before) =>
        new(Invocations - before.Invocations, Refreshes - before.Refreshes, Throttles - before.Throttles, ColdStarts - before.ColdStarts, Timeouts - before.Timeouts, InFlight);
}
