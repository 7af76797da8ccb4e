using System.Text.Json.Serialization;

namespace Simulator.Core.Transport;

/// <summary>Which TLS implementation a connection uses (docs/transport.md); the names are the profile's.</summary>
public enum TlsProvider
{
    /// <summary>OpenSSL where libssl 3 loads, else SslStream.</summary>
    [JsonStringEnumMemberName("auto")]
    Auto,

    /// <summary>libssl 3 driven directly through a BIO fed by the socket engine: the cheapest per connect.</summary>
    [JsonStringEnumMemberName("openssl")]
    OpenSsl,

    /// <summary>.NET's SslStream: the portable fallback.</summary>
    [JsonStringEnumMemberName("sslstream")]
    SslStream,
}
