using System.Net.Security;
using Simulator.Core.Transport.Tls;

namespace Simulator.Core.Transport;

/// <summary>Server certificate validation for the HTTPS clients (onboarding, nRF Cloud), as for MQTT connects.</summary>
public static class TlsValidation
{
    /// <summary>
    /// System store, or only the CAs of <paramref name="caFile"/> (SslStream builds the chain against
    /// them, once); off only when <paramref name="insecure"/> is explicitly set. The server name and
    /// dates are always checked.
    /// </summary>
    /// <summary>The CA file's certificates as every handshake reads them, cached for the process; bad input is an <see cref="Errors.InputException"/>. Do not dispose them.</summary>
    public static System.Security.Cryptography.X509Certificates.X509Certificate2Collection LoadCaFile(string caFile) => CertificateValidation.LoadCa(caFile);

    public static SslClientAuthenticationOptions Apply(SslClientAuthenticationOptions options, string? caFile, bool insecure)
    {
        var template = new CertificateValidation(caFile, insecure);
        options.CertificateChainPolicy = template.ChainPolicy;
        options.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) => new CertificateValidation(caFile, insecure).Validate(sender, certificate, chain, errors);
        return options;
    }
}
