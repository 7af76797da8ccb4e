using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Simulator.Core.Errors;
using Simulator.Core.Transport.Link;
using Simulator.Core.Transport.Tls;

namespace Simulator.Core.Transport;

/// <summary>
/// The one place connections are opened. MQTT: a byte stream to a broker, DNS, TCP (optionally from
/// a chosen source address), TLS with SNI and ALPN on either provider, and the WebSocket upgrade,
/// timing each phase and classifying each failure. HTTP: clients whose every connection is opened
/// here too, with the same trust, source address and descriptor budget. Nothing else in the
/// product creates a socket, a TLS stream or an HTTP client.
/// </summary>
internal static class TransportConnector
{
    /// <summary>An HTTP client whose connections this connector opens (see <see cref="HttpConnectOptions"/>).</summary>
    public static HttpClient CreateHttpClient(HttpConnectOptions options) => CreateHttpClient(options, out _);

    /// <param name="tlsRefusal">The named reason the last server certificate was refused (HttpClient reports only that it was).</param>
    public static HttpClient CreateHttpClient(HttpConnectOptions options, out Func<string?> tlsRefusal)
    {
        var validation = new CertificateValidation(options.CaFile, options.InsecureSkipVerify);
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionLifetime = options.PooledConnectionLifetime,
            PooledConnectionIdleTimeout = options.PooledConnectionIdleTimeout,
            MaxConnectionsPerServer = options.MaxConnectionsPerServer,
            UseCookies = false,

            // Never re-send a request (and the token in it) to wherever a response points.
            AllowAutoRedirect = false,
            UseProxy = options.UseProxy,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = validation.Validate,
                CertificateChainPolicy = validation.ChainPolicy,
                AllowTlsResume = options.TlsResume,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            },
            ConnectCallback = (context, ct) => OpenHttpConnectionAsync(options, context.DnsEndPoint, ct),
        };
        tlsRefusal = () => validation.Error;
        var client = new HttpClient(handler) { Timeout = options.RequestTimeout };
        if (options.MaxResponseContentBytes is { } cap)
        {
            client.MaxResponseContentBufferSize = cap;
        }

        return client;
    }

    /// <summary>Whether a socket can bind <paramref name="address"/> here (preflight of source addresses); the error when not.</summary>
    public static SocketError? TryBind(IPAddress address)
    {
        try
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(address, 0));
            return null;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
    }

    private static async ValueTask<Stream> OpenHttpConnectionAsync(HttpConnectOptions options, DnsEndPoint url, CancellationToken ct)
    {
        if (options.FdBudget is { } budget && !budget.TryTake())
        {
            throw new ConnectionFailedException(FailureKind.FdExhausted, $"not opening a socket: fewer than {budget.Reserve} file descriptors would be left (ulimit -n); the run needs fewer devices per process");
        }

        EndPoint remote = options.ConnectTo is not { } to ? url
            : IPAddress.TryParse(to, out var address) ? new IPEndPoint(address, url.Port)
            : new DnsEndPoint(to, url.Port);
        var family = (remote as IPEndPoint)?.AddressFamily ?? options.LocalAddress?.AddressFamily;
        var socket = family is { } f ? new Socket(f, SocketType.Stream, ProtocolType.Tcp) : new Socket(SocketType.Stream, ProtocolType.Tcp);
        socket.NoDelay = true;
        try
        {
            if (options.LocalAddress is { } local)
            {
                socket.Bind(new IPEndPoint(local, 0));
            }

            if (options.Link?.Open() is { } link)
            {
                try
                {
                    await link.BeforeConnectAsync(out var back).ConfigureAwait(false);
                    await socket.ConnectAsync(remote, ct).ConfigureAwait(false);
                    await link.AfterConnectAsync(back).ConfigureAwait(false);
                }
                catch
                {
                    link.Abandon();
                    throw;
                }

                return new LinkStream(socket, link);
            }

            await socket.ConnectAsync(remote, ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static async Task<Stream> ConnectAsync(TransportOptions options, ConnectTimings timings, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var ct = timeout.Token;
        var phase = FailureKind.Dns;
        Stream? stream = null;
        try
        {
            var t0 = Stopwatch.GetTimestamp();
            IPAddress address;
            if (!IPAddress.TryParse(options.Host, out address!))
            {
                IPAddress[] addresses;
                try
                {
                    addresses = await Dns.GetHostAddressesAsync(options.Host, ct).ConfigureAwait(false);
                }
                catch (SocketException e)
                {
                    throw new ConnectionFailedException(FailureKind.Dns, $"cannot resolve {options.Host}: {e.SocketErrorCode}", inner: e);
                }

                address = addresses.FirstOrDefault(a => options.LocalAddress is null || a.AddressFamily == options.LocalAddress.AddressFamily)
                    ?? throw new ConnectionFailedException(FailureKind.Dns, $"{options.Host} has no address of the source address's family");
            }

            timings.DnsMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;

            phase = FailureKind.TcpTimeout;
            var t1 = Stopwatch.GetTimestamp();
            if (options.FdBudget is { } budget && !budget.TryTake())
            {
                throw new ConnectionFailedException(FailureKind.FdExhausted, $"not opening a socket: fewer than {budget.Reserve} file descriptors would be left (ulimit -n); the run needs fewer devices per process");
            }

            Socket socket;
            try
            {
                socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            }
            catch (SocketException e)
            {
                throw new ConnectionFailedException(e.SocketErrorCode == SocketError.TooManyOpenSockets ? FailureKind.FdExhausted : FailureKind.TcpError, $"cannot open a socket: {e.SocketErrorCode}", inner: e);
            }

            var link = options.Link?.Open();
            try
            {
                if (options.LocalAddress is { } local)
                {
                    socket.Bind(new IPEndPoint(local, 0));
                }

                var synAck = 0L;
                if (link is not null)
                {
                    await link.BeforeConnectAsync(out synAck).ConfigureAwait(false);
                }

                await socket.ConnectAsync(new IPEndPoint(address, options.Port), ct).ConfigureAwait(false);
                if (link is not null)
                {
                    await link.AfterConnectAsync(synAck).ConfigureAwait(false);
                }
            }
            catch (SocketException e)
            {
                socket.Dispose();
                link?.Abandon();
                var kind = e.SocketErrorCode switch
                {
                    SocketError.TooManyOpenSockets => FailureKind.FdExhausted,
                    SocketError.ConnectionRefused => FailureKind.TcpRefused,
                    SocketError.TimedOut => FailureKind.TcpTimeout,
                    _ => FailureKind.TcpError,
                };
                throw new ConnectionFailedException(kind, $"TCP connect to {address}:{options.Port} failed: {e.SocketErrorCode}", inner: e);
            }
            catch
            {
                socket.Dispose();
                link?.Abandon();
                throw;
            }

            timings.TcpMs = Stopwatch.GetElapsedTime(t1).TotalMilliseconds;
            if (options.IsTls)
            {
                phase = FailureKind.TlsHandshake;
                var t2 = Stopwatch.GetTimestamp();
                stream = TlsProviders.Resolve(options.Tls) == TlsProvider.OpenSsl
                    ? await OpenSslHandshakeAsync(socket, link, options, ct).ConfigureAwait(false)
                    : await SslStreamHandshakeAsync(stream = Bytes(socket, link), options, ct).ConfigureAwait(false);
                timings.TlsMs = Stopwatch.GetElapsedTime(t2).TotalMilliseconds;
            }
            else
            {
                stream = Bytes(socket, link);
            }

            if (options.IsWebSocket)
            {
                phase = FailureKind.WebSocketUpgradeRefused;
                var t3 = Stopwatch.GetTimestamp();
                try
                {
                    stream = await WebSocketHandshake.UpgradeAsync(stream, options, ct).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    throw new ConnectionFailedException(FailureKind.WebSocketUpgradeRefused, "connection lost during the WebSocket upgrade: " + e.Message, inner: e);
                }

                timings.WebSocketMs = Stopwatch.GetElapsedTime(t3).TotalMilliseconds;
            }

            return stream;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            stream?.Dispose();
            var kind = phase switch
            {
                FailureKind.TcpTimeout => FailureKind.TcpTimeout,
                FailureKind.Dns => FailureKind.Dns,
                _ => FailureKind.ConnectTimeout,
            };
            throw new ConnectionFailedException(kind, $"no answer within {options.ConnectTimeout.TotalSeconds:0.#} s during {phase}", inner: e);
        }
        catch
        {
            stream?.Dispose();
            throw;
        }
    }

    /// <summary>The connected socket's byte stream, through the device's link when it has one.</summary>
    private static Stream Bytes(Socket socket, LinkConnection? link) => link is null ? new NetworkStream(socket, ownsSocket: true) : new LinkStream(socket, link);

    private static async Task<Stream> OpenSslHandshakeAsync(Socket socket, LinkConnection? link, TransportOptions options, CancellationToken ct)
    {
        OpenSsl.OpenSslClientContext context;
        try
        {
            context = OpenSsl.OpenSslClientContext.For(options.CaFile, options.InsecureSkipVerify, options.TlsResume);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        try
        {
            return await OpenSsl.OpenSslStream.ConnectAsync(socket, context, options.ServerName ?? options.Host, !options.InsecureSkipVerify, options.Kind == TransportKind.Tls ? options.Alpn : null, options.TlsSession, link, ct).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new ConnectionFailedException(FailureKind.TlsHandshake, "connection lost during the TLS handshake: " + e.Message, inner: e);
        }
    }

    private static async Task<Stream> SslStreamHandshakeAsync(Stream inner, TransportOptions options, CancellationToken ct)
    {
        var validation = new CertificateValidation(options.CaFile, options.InsecureSkipVerify);
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var sslOptions = new SslClientAuthenticationOptions
        {
            TargetHost = options.ServerName ?? options.Host,
            RemoteCertificateValidationCallback = validation.Validate,
            CertificateChainPolicy = validation.ChainPolicy,

            // .NET resumes any earlier session to the same server name, whichever device got it.
            AllowTlsResume = options.TlsResume,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        };
        var alpn = options.Kind == TransportKind.Tls && options.Alpn is { Count: > 0 } asked ? asked : null;
        if (alpn is not null)
        {
            sslOptions.ApplicationProtocols = [.. alpn.Select(p => new SslApplicationProtocol(p))];
        }

        try
        {
            await ssl.AuthenticateAsClientAsync(sslOptions, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new ConnectionFailedException(FailureKind.TlsHandshake, validation.Error ?? e.Message, inner: e);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        if (alpn is not null && ssl.NegotiatedApplicationProtocol == default)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new ConnectionFailedException(FailureKind.TlsHandshake, TlsFailures.NoAlpn(alpn));
        }

        return ssl;
    }
}
