using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Simulator.Core.Transport.Tls;

/// <summary>
/// Server certificate checks for one handshake: the system trust store, or only the CAs of a
/// PEM file (the seed's AmazonRootCA1.pem), and always the server name and dates, unless the user
/// turned validation off explicitly. Records why a certificate was refused, for classification.
/// With a CA file, SslStream builds the one chain against it (<see cref="ChainPolicy"/>): a
/// callback alone lets SslStream first build against the system store, fail, and have us build a
/// second chain, and chain building is what a connect's profile shows most of after the handshake's
/// own crypto.
/// </summary>
internal sealed class CertificateValidation
{
    private static readonly ConcurrentDictionary<string, X509Certificate2Collection> CaCache = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, X509ChainPolicy> PolicyCache = new(StringComparer.Ordinal);
    private readonly X509Certificate2Collection? _trusted;
    private readonly X509ChainPolicy? _policy;
    private readonly bool _insecure;

    public CertificateValidation(string? caFile, bool insecure)
    {
        _insecure = insecure;
        _trusted = caFile is null ? null : LoadCa(caFile);
        _policy = caFile is null || insecure ? null : PolicyCache.GetOrAdd(caFile, static (_, trusted) =>
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.AddRange(trusted);
            return policy;
        }, _trusted!);
    }

    public string? Error { get; private set; }

    /// <summary>
    /// The chain policy for <see cref="SslClientAuthenticationOptions.CertificateChainPolicy"/>: only
    /// the CA file's roots, no revocation (AWS's roots publish none a device could reach). A copy per
    /// handshake, since SslStream may add to it. Null for the system store or with validation off.
    /// </summary>
    public X509ChainPolicy? ChainPolicy => _policy?.Clone();

    /// <summary>
    /// The CA file's certificates, read once per process (preflight and every handshake share them):
    /// readable, at least one PEM CERTIFICATE block, each a certificate. The caller must not dispose them.
    /// </summary>
    public static X509Certificate2Collection LoadCa(string caFile) => CaCache.GetOrAdd(caFile, static path =>
    {
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Errors.InputException($"cannot read the CA file: {e.Message}", path, field: "caFile");
        }

        if (!pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            throw new Errors.InputException("the CA file holds no certificate (no PEM CERTIFICATE block)", path, field: "caFile");
        }

        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            throw new Errors.InputException("the CA file holds a CERTIFICATE block that is not a certificate", path, field: "caFile");
        }

        return collection;
    });

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_insecure)
        {
            return true;
        }

        if (certificate is null)
        {
            Error = TlsFailures.NoCertificate;
            return false;
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            Error = TlsFailures.NameMismatch;
            return false;
        }

        if (chain is not null && chain.ChainStatus.Any(s => s.Status == X509ChainStatusFlags.NotTimeValid))
        {
            Error = TlsFailures.Expired(Describe(chain));
            return false;
        }

        if (_trusted is null)
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            Error = TlsFailures.Untrusted(withCaFile: false, Describe(chain));
            return false;
        }

        // SslStream built the chain with ChainPolicy: its errors are the CA file's verdict.
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        Error = TlsFailures.Untrusted(withCaFile: true, Describe(chain));
        return false;
    }

    private static string Describe(X509Chain? chain)
    {
        if (chain is null || chain.ChainStatus.Length == 0)
        {
            return "unknown chain error";
        }

        return string.Join("; ", chain.ChainStatus.Select(s => s.Status.ToString()));
    }
}
