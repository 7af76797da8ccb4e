using Simulator.Core.Transport.OpenSsl;

namespace Simulator.Core.Transport;

/// <summary>Picks the TLS provider a connection gets, and names it for the run's first line.</summary>
internal static class TlsProviders
{
    /// <summary>Why <see cref="TlsProvider.OpenSsl"/> is not available here, or null when it is.</summary>
    public static string? OpenSslUnavailableReason => OpenSslTls.UnavailableReason;

    /// <summary><see cref="TlsProvider.Auto"/> becomes OpenSSL where libssl 3 loads, else SslStream; an explicit choice stays.</summary>
    public static TlsProvider Resolve(TlsProvider requested) => requested switch
    {
        TlsProvider.Auto => OpenSslTls.IsAvailable ? TlsProvider.OpenSsl : TlsProvider.SslStream,
        _ => requested,
    };

    /// <summary>"OpenSSL 3.0.19" or "SslStream": the provider as the run's first line names it.</summary>
    public static string Describe(TlsProvider provider) => Resolve(provider) == TlsProvider.OpenSsl ? OpenSslTls.Version : "SslStream";
}
