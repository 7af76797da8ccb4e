using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Simulator.Core.CustomAuth;
using Simulator.Core.Errors;
using Simulator.Core.Transport.Tls;

namespace Simulator.Core.Transport;

/// <summary>
/// AWS IoT HTTPS publish with custom auth (A.1): <c>POST /topics/&lt;url-encoded topic&gt;?qos=N</c>
/// with the authorizer name, token and signature in headers or in the query string. One
/// keep-alive connection per publisher, bound to a chosen source address if asked; certificate
/// validation as for MQTT over TLS. Thread-safe.
/// </summary>
internal sealed class HttpsPublisher : IDisposable
{
    private readonly HttpClient _http;
    private readonly TransportOptions _options;
    private readonly string _authorityHost;
    private readonly Func<string?> _tlsRefusal;

    /// <summary>The most of an answer read: AWS answers a publish with a short JSON message; more is refused, not buffered.</summary>
    public const int MaxAnswerBytes = 16 * 1024;

    public HttpsPublisher(TransportOptions options)
    {
        _options = options;
        // The URL names the server (its TLS name and Host header); the connection goes to the resolved address.
        _authorityHost = options.ServerName ?? options.Host;
        _http = TransportConnector.CreateHttpClient(new HttpConnectOptions
        {
            CaFile = options.CaFile,
            InsecureSkipVerify = options.InsecureSkipVerify,
            ConnectTo = options.ServerName is not null && options.ServerName != options.Host ? options.Host : null,
            LocalAddress = options.LocalAddress,
            FdBudget = options.FdBudget,
            ConnectTimeout = options.ConnectTimeout,
            RequestTimeout = options.ConnectTimeout,
            MaxConnectionsPerServer = 1,
            TlsResume = options.TlsResume,
            MaxResponseContentBytes = MaxAnswerBytes,
            Link = options.Link,
        }, out _tlsRefusal);
    }

    public async Task<HttpsPublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, int qos, CustomAuthCredentials? credentials, CredentialPlacement placement, CancellationToken cancellationToken = default, string? clientId = null)
    {
        var scheme = _options.IsTls ? "https" : "http";
        var defaultPort = _options.IsTls ? 443 : 80;
        var authority = _options.Port == defaultPort ? _authorityHost : $"{_authorityHost}:{_options.Port}";
        var query = $"qos={qos}";
        if (credentials is not null && placement == CredentialPlacement.Query)
        {
            query += "&" + credentials.ToQuery();
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"{scheme}://{authority}/topics/{EncodeTopic(topic)}?{query}")
        {
            Content = new ReadOnlyMemoryContent(payload),
        };
        if (credentials is not null && placement == CredentialPlacement.Headers)
        {
            foreach (var (name, value) in credentials.ToHeaders())
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (clientId is not null)
        {
            request.Headers.TryAddWithoutValidation("clientId", clientId); // as the 1NCE seed's curl example sends it
        }

        var t0 = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return new HttpsPublishResult((int)response.StatusCode, body, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        catch (HttpRequestException e)
        {
            var kind = e.InnerException switch
            {
                ConnectionFailedException c => c.Kind,
                AuthenticationException => FailureKind.TlsHandshake,
                SocketException { SocketErrorCode: SocketError.ConnectionRefused } => FailureKind.TcpRefused,
                SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } => FailureKind.Dns,
                SocketException => FailureKind.TcpError,
                _ => FailureKind.HttpError,
            };
            if (e.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
            {
                throw new ConnectionFailedException(FailureKind.HttpError, $"the answer is longer than {MaxAnswerBytes / 1024} KB", inner: e);
            }

            throw new ConnectionFailedException(kind, (e.InnerException is AuthenticationException ? _tlsRefusal() : null) ?? (e.InnerException as ConnectionFailedException)?.Detail ?? e.Message, inner: e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ConnectionFailedException(FailureKind.ConnectTimeout, $"no answer within {_options.ConnectTimeout.TotalSeconds:0.#} s", inner: e);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Each level URL-encoded, the slashes kept, as AWS's and 1NCE's curl examples write topics.</summary>
    public static string EncodeTopic(string topic) => string.Join('/', topic.Split('/').Select(Uri.EscapeDataString));
}
