using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Simulator.Tests.Support;

/// <summary>
/// A TCP proxy on loopback that delays every chunk by a fixed time each way and knows nothing of
/// the product's link model: the independent link a model's delays are checked against. Chunks
/// are pipelined (a chunk read while another waits leaves its own delay after it arrived), as a
/// long path delays packets. A user-space proxy cannot delay the TCP handshake itself: the kernel
/// answers the SYN before the proxy sees the connection.
/// </summary>
public sealed class DelayingProxy : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly IPEndPoint _target;
    private readonly TimeSpan _oneWay;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public DelayingProxy(IPEndPoint target, TimeSpan oneWay)
    {
        _target = target;
        _oneWay = oneWay;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(64);
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptAsync(_stop.Token);
                _ = RelayAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await upstream.ConnectAsync(_target, _stop.Token);
            await Task.WhenAll(PumpAsync(client, upstream), PumpAsync(upstream, client));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Dispose();
        }
    }

    /// <summary>Reads chunks as they come, stamps them, and writes each one delay after its stamp; the end of the stream travels as a chunk too.</summary>
    private async Task PumpAsync(Socket from, Socket to)
    {
        var chunks = Channel.CreateUnbounded<(byte[] Data, long At)>();
        var writing = Task.Run(async () =>
        {
            await foreach (var (data, at) in chunks.Reader.ReadAllAsync(_stop.Token))
            {
                var wait = _oneWay - Stopwatch.GetElapsedTime(at);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _stop.Token);
                }

                if (data.Length == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(data, SocketFlags.None, _stop.Token);
            }
        });
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                chunks.Writer.TryWrite((buffer[..n], Stopwatch.GetTimestamp()));
                if (n == 0)
                {
                    break;
                }
            }
        }
        finally
        {
            chunks.Writer.TryComplete();
        }

        await writing;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        await _accepting;
        _stop.Dispose();
    }
}
