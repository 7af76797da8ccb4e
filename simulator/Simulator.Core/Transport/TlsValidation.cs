using System.Net.Security;

namespace Simulator.Core.Transport;

/// <summary>The certificate check used by every TLS client of the simulator, for callers outside this namespace (HttpClient handlers).</summary>
public static class TlsValidation
{
    /// <summary>System store, or only the CAs of <paramref name="caFile"/>; off only when <paramref name="insecure"/> is explicitly set.</summary>
    public static RemoteCertificateValidationCallback Callback(string? caFile, bool insecure) =>
        (sender, certificate, chain, errors) => new CertificateValidation(caFile, insecure).Validate(sender, certificate, chain, errors);
}
