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
        var t = DateTime.UnixEpoch.AddMilliseconds(unixMs);
        Digits(span, ref pos, t.Year, 4);
        span[pos++] = (byte)'-';
        Digits(span, ref pos, t.Month, 2);
        span[pos++] = (byte)'-';
        Digits(span, ref pos, t.Day, 2);
        span[pos++] = (byte)'T';
        Digits(span, ref pos, t.Hour, 2);
        span[pos++] = (byte)':';
        Digits(span, ref pos, t.Minute, 2);
        span[pos++] = (byte)':';
        Digits(span, ref pos, t.Second, 2);
        span[pos++] = (byte)'.';
        Digits(span, ref pos, t.Millisecond, 3);
        span[pos++] = (byte)'Z';
    }

    private static void Digits(Span<byte> span, ref int pos, int value, int width)
    {
        for (var i = width - 1; i >= 0; i--)
        {
            span[pos + i] = (byte)('0' + (value % 10));
            value /= 10;
        }

        pos += width;
    }
}
