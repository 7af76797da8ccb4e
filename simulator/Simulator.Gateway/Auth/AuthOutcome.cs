using Simulator.Gateway.Policy;

namespace Simulator.Gateway.Auth;

/// <summary>The pipeline's verdict: allowed with a policy and its lifetimes, or the reason it was not.</summary>
public sealed record AuthOutcome(DenyReason Reason, IotPolicy? Policy = null, string? PrincipalId = null, int DisconnectAfterSeconds = 0, int RefreshAfterSeconds = 0, string? Detail = null)
{
    public bool Allowed => Reason == DenyReason.None;

    public static AuthOutcome Deny(DenyReason reason, string detail) => new(reason, Detail: detail);
}
