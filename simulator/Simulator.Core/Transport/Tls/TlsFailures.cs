namespace Simulator.Core.Transport.Tls;

/// <summary>
/// The reasons a TLS handshake is refused, worded once for both providers so that a run's failure
/// table reads the same whichever did the handshake.
/// </summary>
internal static class TlsFailures
{
    public const string NameMismatch = "name mismatch: the certificate does not name the server (SNI/host)";

    public const string NoCertificate = "the server sent no certificate";

    public const string ClosedDuringHandshake = "the server closed the connection during the TLS handshake";

    public static string Expired(string detail) => "expired or not yet valid: " + detail;

    public static string Untrusted(bool withCaFile, string detail) => (withCaFile ? "not signed by the given CA file: " : "untrusted by the system store: ") + detail;

    public static string NoAlpn(IReadOnlyList<string> asked) => $"no ALPN: the server agreed to none of {string.Join(", ", asked.Select(a => $"'{a}'"))}";
}
