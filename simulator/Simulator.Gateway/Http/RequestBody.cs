using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Simulator.Gateway.Http;

/// <summary>A request body read with a bound: refused by its declared length before a byte is read, and by what it turns out to be while reading.</summary>
internal static class RequestBody
{
    /// <summary>The body, or null when it is longer than <paramref name="max"/> bytes.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int max, CancellationToken cancellationToken)
    {
        if (request.ContentLength > max)
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(max + 1);
        try
        {
            var filled = 0;
            while (filled <= max)
            {
                var n = await request.Body.ReadAsync(buffer.AsMemory(filled, max + 1 - filled), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    return buffer.AsSpan(0, filled).ToArray();
                }

                filled += n;
            }

            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
