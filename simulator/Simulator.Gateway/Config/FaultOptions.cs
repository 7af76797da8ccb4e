namespace Simulator.Gateway.Config;

/// <summary>Faults to inject, so that a run can rehearse a bad day.</summary>
public sealed record FaultOptions
{
    /// <summary>Share of onboarding requests answered 503 (a storm at 1.0).</summary>
    public double OnboardingErrorRate { get; set; }

    /// <summary>Added to every authorizer call, in milliseconds.</summary>
    public int AuthorizerLatencyMs { get; set; }

    /// <summary>Share of authorizer calls that fail (as a Lambda error or timeout would).</summary>
    public double AuthorizerFailureRate { get; set; }

    /// <summary>Share of established connections dropped each second.</summary>
    public double ConnectionDropRatePerSecond { get; set; }

    /// <summary>Every Nth delivery to a subscriber is not sent, as a message lost on its way would not arrive; 0: none.</summary>
    public int DeliveryLossEvery { get; set; }
}
