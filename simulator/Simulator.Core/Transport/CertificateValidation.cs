using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Simulator.Core.Transport;

/// <summary>
/// Server certificate checks for one handshake: the system trust store, or only the CAs of a
/// PEM file (the seed's AmazonRootCA1.pem), and always the server name, unless the user turned
/// validation off explicitly. Records why a certificate was refused, for classification.
/// </summary>
internal sealed class CertificateValidation
{
    private static readonly ConcurrentDictionary<string, X509Certificate2Collection> CaCache = new(StringComparer.Ordinal);
    private readonly X509Certificate2Collection? _trusted;
    private readonly bool _insecure;

    public CertificateValidation(string? caFile, bool insecure)
    {
        _insecure = insecure;
        _trusted = caFile is null ? null : LoadCa(caFile);
    }

    public string? Error { get; private set; }

    public static X509Certificate2Collection LoadCa(string caFile) => CaCache.GetOrAdd(caFile, static path =>
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new Errors.InputException($"cannot read the CA file: {e.Message}", path, field: "caFile");
        }

        if (collection.Count == 0)
        {
            throw new Errors.InputException("the CA file holds no CERTIFICATE block", path, field: "caFile");
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
            Error = "the server sent no certificate";
            return false;
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            Error = "the certificate does not name the server (SNI/host mismatch)";
            return false;
        }

        if (_trusted is null)
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            Error = "untrusted by the system store: " + Describe(chain);
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_trusted);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (custom.Build(leaf))
        {
            return true;
        }

        Error = "not signed by the given CA file: " + Describe(custom);
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
