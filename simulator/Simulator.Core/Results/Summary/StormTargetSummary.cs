using System.ComponentModel;

namespace Simulator.Core.Results.Summary;

/// <summary>The embedded target during one reconnect storm.</summary>
[Description("The embedded target during one reconnect storm: its authorizer, and connects it throttled by kind.")]
public sealed record StormTargetSummary
{
    [Description("Authorizer invocations for connects.")]
    public required long AuthorizerInvocations { get; init; }

    [Description("The most authorizer invocations in flight at once, sampled each second.")]
    public required long AuthorizerPeakConcurrency { get; init; }

    [Description("Invocations refused for the authorizer's concurrency.")]
    public required long AuthorizerThrottles { get; init; }

    [Description("Invocations that started a new instance (cold starts).")]
    public required long AuthorizerColdStarts { get; init; }

    [Description("Connects refused by the account-wide connect rate (CloudWatch Connect.Throttle).")]
    public required long ConnectThrottle { get; init; }

    [Description("Connects refused by the per-client-id rate (CloudWatch Connect.ClientIDThrottle).")]
    public required long ConnectClientIdThrottle { get; init; }
}
