namespace Simulator.Core.Metrics;

/// <summary>
/// The target's authorizer as the embedded gateway counts it: cumulative invocations (connects
/// and policy refreshes apart), throttles, cold starts, timeouts, and the most invocations in flight
/// at once since the last sample.
/// A run takes one a second and reports the differences. Beside it, the gateway's own connect
/// throttles by CloudWatch's names: the account's connect rate (Connect.Throttle) and one client
/// id's (Connect.ClientIDThrottle).
/// </summary>
internal readonly record struct AuthorizerSample(long Invocations, long Refreshes, long Throttles, long ColdStarts, long Timeouts, int InFlight)
{
    /// <summary>Connects refused by the account-wide connect quota (Connect.Throttle).</summary>
    public long ConnectThrottles { get; init; }

    /// <summary>Connects refused by the per-client-id quota (Connect.ClientIDThrottle).</summary>
    public long ClientIdThrottles { get; init; }

    public AuthorizerSample Since(AuthorizerSample before) =>
        new(Invocations - before.Invocations, Refreshes - before.Refreshes, Throttles - before.Throttles, ColdStarts - before.ColdStarts, Timeouts - before.Timeouts, InFlight)
        {
            ConnectThrottles = ConnectThrottles - before.ConnectThrottles,
            ClientIdThrottles = ClientIdThrottles - before.ClientIdThrottles,
        };

    /// <summary>Two spans' samples as one: counts summed, the most in flight kept.</summary>
    public AuthorizerSample Join(AuthorizerSample later) =>
        new(Invocations + later.Invocations, Refreshes + later.Refreshes, Throttles + later.Throttles, ColdStarts + later.ColdStarts, Timeouts + later.Timeouts, Math.Max(InFlight, later.InFlight))
        {
            ConnectThrottles = ConnectThrottles + later.ConnectThrottles,
            ClientIdThrottles = ClientIdThrottles + later.ClientIdThrottles,
        };
}
