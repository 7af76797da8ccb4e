using System.Buffers;
using System.Net.Sockets;

namespace Simulator.Core.Transport.Link;

/// <summary>Reads and drops what a socket still receives until the peer closes it or a time runs out: how a closing or a dead connection waits for the other side.</summary>
internal static class SocketDrain
{
    /// <summary>Completes at the peer's FIN, a broken connection, or after <paramref name="atMost"/>; never throws.</summary>
    public static async Task UntilPeerClosesAsync(Socket socket, TimeSpan atMost)
    {
        var scratch = ArrayPool<byte>.Shared.Rent(4096);
        using var wait = new CancellationTokenSource(atMost);
        try
        {
            while (await socket.ReceiveAsync(scratch, SocketFlags.None, wait.Token).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // No FIN in time, or the connection broke: the caller closes it anyway.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
