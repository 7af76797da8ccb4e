using System.Net;
using System.Net.Sockets;

namespace Simulator.Tests.Support;

/// <summary>A loopback TCP server that runs a script per connection: the misbehaving peer.</summary>
public sealed class ScriptedServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;

    public ScriptedServer(Func<NetworkStream, CancellationToken, Task> script)
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
                catch (OperationCanceledException)
                {
                    return;
                }

                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        try
                        {
                            await script(client.GetStream(), _stop.Token);
                        }
                        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
                        {
                        }
                    }
                });
            }
        });
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Reads until at least <paramref name="count"/> bytes arrived (or the peer closed).</summary>
    public static async Task<byte[]> ReadAsync(NetworkStream s, int count, CancellationToken ct)
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
