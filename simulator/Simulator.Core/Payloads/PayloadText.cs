using System.Buffers;
using System.Buffers.Text;
using System.Globalization;

namespace Simulator.Core.Payloads;

/// <summary>Writes text and numbers into a message buffer, without allocating.</summary>
internal static class PayloadText
{
    public static void Append(Span<byte> span, ref int pos, ReadOnlySpan<byte> text)
    {
        text.CopyTo(span[pos..]);
        pos += text.Length;
    }

    public static void Number(Span<byte> span, ref int pos, long value)
    {
        value.TryFormat(span[pos..], out var n, default, CultureInfo.InvariantCulture);
        pos += n;
    }

    public static void Decimal(Span<byte> span, ref int pos, double value, int digits)
    {
        Utf8Formatter.TryFormat(Math.Round(value, digits), span[pos..], out var n, new StandardFormat('F', (byte)digits));
        pos += n;
    }

    /// <summary>ISO 8601 UTC with milliseconds, e.g. 2026-12-07T18:46:16.123Z (24 bytes).</summary>
    public static void IsoTime(Span<byte> span, ref int pos, long unixMs)
    {
        DateTime.UnixEpoch.AddMilliseconds(unixMs).TryFormat(span[pos..], out var n, "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'", CultureInfo.InvariantCulture);
        pos += n;
    }
}
