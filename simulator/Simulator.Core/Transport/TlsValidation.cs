using Simulator.Core.Transport.Tls;

namespace Simulator.Core.Transport;

/// <summary>The CA file as the handshakes read it, for preflight.</summary>
internal static class TlsValidation
{
    /// <summary>The CA file's certificates as every handshake reads them, cached for the process; bad input is an <see cref="Errors.InputException"/>. Do not dispose them.</summary>
    public static System.Security.Cryptography.X509Certificates.X509Certificate2Collection LoadCaFile(string caFile) => CertificateValidation.LoadCa(caFile);
}
