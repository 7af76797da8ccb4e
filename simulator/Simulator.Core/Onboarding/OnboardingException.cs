namespace Simulator.Core.Onboarding;

/// <summary>A named onboarding failure: Onboarding400, Onboarding404, Onboarding503, OnboardingTimeout, OnboardingTls …</summary>
internal sealed class OnboardingException : Exception
{
    public OnboardingException(string failureClass, string detail, int? status = null, Exception? inner = null)
        : base($"{failureClass}: {detail}", inner)
    {
        FailureClass = failureClass;
        Status = status;
    }

    public string FailureClass { get; }

    public int? Status { get; }
}
