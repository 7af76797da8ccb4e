using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Simulator.Core.Errors;
using Simulator.Core.Transport;
using Simulator.Tests.Support;

namespace Simulator.Tests.Transport;

/// <summary>
/// Both TLS providers against OpenSSL's own server: the same validation, nothing weaker, and each
/// refusal named with the same reason whichever provider did the handshake.
/// </summary>
public sealed class TlsProviderTests
{
    public static TheoryData<TlsProvider> Providers => [TlsProvider.OpenSsl, TlsProvider.SslStream];

    public static TheoryData<TlsProvider, string, string> Refusals
    {
        get
        {
            var data = new TheoryData<TlsProvider, string, string>();
            foreach (var provider in new[] { TlsProvider.OpenSsl, TlsProvider.SslStream })
            {
                data.Add(provider, "wrong-ca", "not signed by the given CA file");
                data.Add(provider, "wrong-name", "name mismatch");
                data.Add(provider, "expired", "expired");
                data.Add(provider, "not-yet-valid", "expired or not yet valid");
                data.Add(provider, "self-signed", "not signed by the given CA file");
                data.Add(provider, "system-store", "untrusted by the system store");
                data.Add(provider, "no-alpn", "no ALPN: the server agreed to none of 'mqtt'");
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task EachBadServerIsRefusedWithItsReason(TlsProvider provider, string defect, string reason)
    {
        using var dir = new TempDir();
        var ca = new TestCa(dir.Path);
        var now = DateTimeOffset.UtcNow;
        var (cert, key) = defect switch
        {
            "wrong-name" => ca.Issue("other", "other.test", now.AddDays(-1), now.AddDays(1)),
            "expired" => ca.Issue("expired", "localhost", now.AddDays(-10), now.AddDays(-1)),
            "not-yet-valid" => ca.Issue("future", "localhost", now.AddDays(1), now.AddDays(10)),
            "self-signed" => TestCa.SelfSigned(dir.Path, "self", "localhost"),
            _ => (ca.CertFile, ca.KeyFile),
        };
        var trusted = defect switch
        {
            "wrong-ca" => new TestCa(Path.Combine(dir.Path, "other-ca")).CaFile,
            "system-store" => null,
            _ => ca.CaFile,
        };
        using var server = await OpenSslServer.StartAsync(cert, key, alpn: defect == "no-alpn" ? null : "mqtt");
        var e = await Assert.ThrowsAsync<ConnectionFailedException>(() => HandshakeAsync(Options(provider, server.Port, trusted)));
        Assert.Equal(FailureKind.TlsHandshake, e.Kind);
        Assert.Contains(reason, e.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AGoodServerIsAcceptedAndCarriesData(TlsProvider provider)
    {
        using var dir = new TempDir();
        var ca = new TestCa(dir.Path);
        using var server = await OpenSslServer.StartAsync(ca.CertFile, ca.KeyFile);
        Assert.Contains("New, TLS", await HandshakeAsync(Options(provider, server.Port, ca.CaFile)), StringComparison.Ordinal);

        // By address: SNI is left out (RFC 6066) and the certificate's IP address is what is checked.
        Assert.Contains("New, TLS", await HandshakeAsync(Options(provider, server.Port, ca.CaFile) with { ServerName = "127.0.0.1" }), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task InsecureAcceptsAnyCertificateOnlyWhenAsked(TlsProvider provider)
    {
        using var dir = new TempDir();
        var (cert, key) = TestCa.SelfSigned(dir.Path, "self", "elsewhere.test");
        using var server = await OpenSslServer.StartAsync(cert, key);
        await Assert.ThrowsAsync<ConnectionFailedException>(() => HandshakeAsync(Options(provider, server.Port, null)));
        Assert.Contains("New, TLS", await HandshakeAsync(Options(provider, server.Port, null) with { InsecureSkipVerify = true }), StringComparison.Ordinal);
    }

    /// <summary>A server that accepts and never answers the ClientHello: the connect timeout ends it, named.</summary>
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AServerThatStallsMidHandshakeHitsTheConnectTimeout(TlsProvider provider)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var held = new List<Socket>();
        var accept = Task.Run(async () =>
        {
            var s = await listener.AcceptSocketAsync();
            held.Add(s);
            var hello = new byte[4096];
            await s.ReceiveAsync(hello); // the ClientHello, never answered
        });
        var sw = Stopwatch.StartNew();
        var options = Options(provider, ((IPEndPoint)listener.LocalEndpoint).Port, null) with { ConnectTimeout = TimeSpan.FromSeconds(1) };
        var e = await Assert.ThrowsAsync<ConnectionFailedException>(() => HandshakeAsync(options));
        Assert.Equal(FailureKind.ConnectTimeout, e.Kind);
        Assert.Contains("TlsHandshake", e.Detail, StringComparison.Ordinal);
        Assert.InRange(sw.Elapsed.TotalSeconds, 0.9, 5);
        await accept;
        held.ForEach(s => s.Dispose());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AServerThatHangsUpMidHandshakeIsAHandshakeFailure(TlsProvider provider)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accept = Task.Run(async () =>
        {
            using var s = await listener.AcceptSocketAsync();
            await s.ReceiveAsync(new byte[4096]);
            await s.SendAsync("\x16\x03\x03\x00\x40"u8.ToArray()); // a record header, then nothing: half a ServerHello
        });
        var e = await Assert.ThrowsAsync<ConnectionFailedException>(() => HandshakeAsync(Options(provider, ((IPEndPoint)listener.LocalEndpoint).Port, null)));
        Assert.Equal(FailureKind.TlsHandshake, e.Kind);
        await accept;
    }

    /// <summary>
    /// A stop racing reads: disposing a stream while its read is in flight, hundreds of times, ends
    /// each read in a named exception or the end of the stream, never a crash (a use after free of
    /// the SSL object would take the test host down).
    /// </summary>
    [Fact]
    public async Task DisposingWhileAReadIsInFlightNeverCrashes()
    {
        using var dir = new TempDir();
        var ca = new TestCa(dir.Path);
        using var server = await OpenSslServer.StartAsync(ca.CertFile, ca.KeyFile);
        var endings = new Dictionary<string, int>();
        for (var i = 0; i < 200; i++)
        {
            var stream = await TransportConnector.ConnectAsync(Options(TlsProvider.OpenSsl, server.Port, ca.CaFile), new ConnectTimings(), CancellationToken.None);
            Assert.Equal("OpenSslStream", stream.GetType().Name);
            await stream.WriteAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
            var buffer = new byte[i % 2 == 0 ? 0 : 64];
            var read = Task.Run(async () =>
            {
                try
                {
                    while (await stream.ReadAsync(buffer) > 0 || buffer.Length == 0)
                    {
                    }

                    return "end";
                }
                catch (Exception e) when (e is ObjectDisposedException or IOException or OperationCanceledException)
                {
                    return e.GetType().Name;
                }
            });
            await Task.Delay(i % 5);
            await stream.DisposeAsync();
            var ending = await read.WaitAsync(TimeSpan.FromSeconds(5));
            endings[ending] = endings.GetValueOrDefault(ending) + 1;
        }

        Assert.True(endings.Keys.All(k => k is "end" or "ObjectDisposedException" or "IOException" or "OperationCanceledException"), string.Join(", ", endings));
    }

    /// <summary>
    /// A client that closes with bytes it never read (a session ticket, a late packet) must close
    /// with a FIN: Linux sends a reset instead, and the server may lose the last thing the client
    /// wrote before it, such as a DISCONNECT.
    /// </summary>
    [Fact]
    public async Task ClosingWithUnreadBytesIsAFinNotAReset()
    {
        using var dir = new TempDir();
        var ca = new TestCa(dir.Path);
        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(ca.CertFile, ca.KeyFile);
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new ScriptedServer(
            async (s, ct) =>
            {
                await s.WriteAsync(new byte[4000], ct); // never read by the client
                await s.FlushAsync(ct);
                var got = new MemoryStream();
                var buffer = new byte[256];
                try
                {
                    int n;
                    while ((n = await s.ReadAsync(buffer, ct)) > 0)
                    {
                        got.Write(buffer, 0, n);
                    }

                    seen.TrySetResult("fin after " + Encoding.ASCII.GetString(got.ToArray()));
                }
                catch (IOException e)
                {
                    seen.TrySetResult($"reset after '{Encoding.ASCII.GetString(got.ToArray())}' ({e.InnerException?.Message ?? e.Message})");
                }
            },
            certificate);
        var stream = await TransportConnector.ConnectAsync(Options(TlsProvider.OpenSsl, server.Port, ca.CaFile) with { Alpn = null }, new ConnectTimings(), CancellationToken.None);
        await stream.WriteAsync("bye"u8.ToArray());
        await Task.Delay(300); // the server's 4,000 bytes are in our receive queue, unread
        await stream.DisposeAsync();
        Assert.Equal("fin after bye", await seen.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    internal static TransportOptions Options(TlsProvider provider, int port, string? caFile) => new()
    {
        Kind = TransportKind.Tls,
        Host = "127.0.0.1",
        ServerName = "localhost",
        Port = port,
        CaFile = caFile,
        Alpn = ["mqtt"],
        Tls = provider,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>Handshakes, asks s_server -www for its status page and returns it.</summary>
    internal static async Task<string> HandshakeAsync(TransportOptions options)
    {
        await using var stream = await TransportConnector.ConnectAsync(options, new ConnectTimings(), CancellationToken.None);
        Assert.Equal(options.Tls == TlsProvider.OpenSsl ? "OpenSslStream" : "SslStream", stream.GetType().Name);
        await stream.WriteAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
        return await new StreamReader(stream, Encoding.ASCII).ReadToEndAsync();
    }
}
