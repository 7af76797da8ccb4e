using System.Net;

namespace Simulator.Core.Transport;

/// <summary>
/// How <see cref="TransportConnector.CreateHttpClient(HttpConnectOptions)"/> opens the connections under an HTTP client
/// (onboarding, HTTPS publish, nRF Cloud REST, the gateway's authorizer callout): the same trust,
/// source address, descriptor budget and timeouts as an MQTT connect. Validation is on unless
/// <see cref="InsecureSkipVerify"/> says otherwise.
/// </summary>
internal sealed record HttpConnectOptions
{
    /// <summary>PEM file of the CA(s) to trust instead of the system store.</summary>
    public string? CaFile { get; init; }

    /// <summary>Turns certificate validation off. Only ever set from an explicit user choice.</summary>
    public bool InsecureSkipVerify { get; init; }

    /// <summary>A host name or address to connect to in place of the URL's host (a resolved target address); the URL's host stays the TLS server name and the Host header.</summary>
    public string? ConnectTo { get; init; }

    /// <summary>Source address to bind, as for MQTT connects.</summary>
    public IPAddress? LocalAddress { get; init; }

    /// <summary>When set, a socket is opened only within this open-files budget (else FdExhausted).</summary>
    public FdBudget? FdBudget { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The whole request, as <see cref="HttpClient.Timeout"/>.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    public int MaxConnectionsPerServer { get; init; } = int.MaxValue;

    public TimeSpan PooledConnectionLifetime { get; init; } = Timeout.InfiniteTimeSpan;

    public TimeSpan PooledConnectionIdleTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Use the system's proxy settings (HTTP_PROXY and the like), as .NET does by default.</summary>
    public bool UseProxy { get; init; } = true;

    /// <summary>The most bytes of a response body read into memory (<see cref="HttpClient.MaxResponseContentBufferSize"/>); null is .NET's 2 GB.</summary>
    public int? MaxResponseContentBytes { get; init; }

    /// <summary>Resume TLS sessions (.NET's process-wide cache per server name).</summary>
    public bool TlsResume { get; init; } = true;

    /// <summary>The device's cellular link for every connection this client opens; null is loopback speed.</summary>
    public Link.LinkModel? Link { get; init; }
}
