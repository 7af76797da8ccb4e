using System.ComponentModel;

namespace Simulator.Core.Results.Summary;

/// <summary>The embedded target's authorizer over the run.</summary>
[Description("The embedded target's authorizer over the run.")]
public sealed record AuthorizerSummary
{
    public required long ConnectInvocations { get; init; }

    [Description("Invocations that refreshed a connected session's policy.")]
    public required long RefreshInvocations { get; init; }

    public required long Throttles { get; init; }

    public required long ColdStarts { get; init; }

    public required long Timeouts { get; init; }

    [Description("The most invocations in flight in any second.")]
    public required long InFlightMax { get; init; }
}
