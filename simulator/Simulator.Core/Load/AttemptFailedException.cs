namespace Simulator.Core.Load;

/// <summary>A failed attempt with its class name, as counted in the results (e.g. Onboarding503, TlsHandshake, Http403).</summary>
internal sealed class AttemptFailedException : Exception
{
    public AttemptFailedException(string failureClass, string detail, Exception? inner = null)
        : base($"{failureClass}: {detail}", inner)
    {
        FailureClass = failureClass;
    }

    public string FailureClass { get; }
}
