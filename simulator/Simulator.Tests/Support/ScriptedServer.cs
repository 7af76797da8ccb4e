using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Simulator.Tests.Support;

/// <summary>A loopback TCP server that runs a script per connection: the misbehaving peer; with a certificate, behind TLS (.NET's server side).</summary>
public sealed class ScriptedServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;

    public ScriptedServer(Func<NetworkStream, CancellationToken, Task> script)
        : this((s, ct) => script((NetworkStream)s, ct), certificate: null)
    {
    }

    public ScriptedServer(Func<Stream, CancellationToken, Task> script, X509Certificate2? certificate)
    {
        _listener.Start();
        _accept = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception e) when (_stop.IsCancellationRequested && e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    // Stopping the listener can fail the pending accept with "operation canceled" instead of the token's exception.
                    return;
                }

                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        try
                        {
                            if (certificate is null)
                            {
                                await script(client.GetStream(), _stop.Token);
                            }
                            else
                            {
                                await using var tls = new SslStream(client.GetStream());
                                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, _stop.Token);
                                await script(tls, _stop.Token);
                            }
                        }
                        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or System.Security.Authentication.AuthenticationException)
                        {
                        }
                    }
                });
            }
        });
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Reads until at least <paramref name="count"/> bytes arrived (or the peer closed).</summary>
    public static async Task<byte[]> ReadAsync(Stream s, int count, CancellationToken ct)
    {
        var buffer = new byte[count];
        var n = 0;
        while (n < count)
        {
            var r = await s.ReadAsync(buffer.AsMemory(n), ct);
            if (r == 0)
            {
                break;
            }

            n += r;
        }

        return buffer[..n];
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accept;
        _stop.Dispose();
    }
}
