using System.Buffers.Text;

namespace Simulator.Core.Load;

/// <summary>
/// nRF9160-like telemetry written into a reused buffer: sequence, time, IMEI, RSRP, battery,
/// temperature and a GNSS fix that wanders. The sequence sits at a fixed offset so the device can
/// read its own message back and time it end to end without parsing JSON.
/// </summary>
public sealed class TelemetryPayload
{
    private const int SeqOffset = 7; // {"seq":
    private const int SeqDigits = 10;
    private readonly byte[] _buffer = new byte[320];
    private readonly byte[] _imei;
    private readonly Random _random;
    private double _lat;
    private double _lon;
    private int _battery;

    public TelemetryPayload(string imei, int seed)
    {
        _imei = System.Text.Encoding.ASCII.GetBytes(imei);
        _random = new Random(seed);
        _lat = 63.40 + (_random.NextDouble() * 0.1);
        _lon = 10.35 + (_random.NextDouble() * 0.1);
        _battery = 3600 + _random.Next(600);
    }

    public ReadOnlyMemory<byte> Write(long sequence, long unixMs)
    {
        var span = _buffer.AsSpan();
        var pos = 0;
        Append(span, ref pos, "{\"seq\":"u8);
        sequence.TryFormat(span[pos..], out _, "D10", System.Globalization.CultureInfo.InvariantCulture);
        pos += SeqDigits;
        Append(span, ref pos, ",\"ts\":"u8);
        Number(span, ref pos, unixMs);
        Append(span, ref pos, ",\"imei\":\""u8);
        Append(span, ref pos, _imei);
        Append(span, ref pos, "\",\"rsrp\":"u8);
        Number(span, ref pos, -70 - _random.Next(50));
        _battery = Math.Max(3300, _battery - (_random.Next(3) == 0 ? 1 : 0));
        Append(span, ref pos, ",\"bat\":"u8);
        Number(span, ref pos, _battery);
        Append(span, ref pos, ",\"temp\":"u8);
        Decimal(span, ref pos, 18 + (_random.NextDouble() * 8), 1);
        _lat += (_random.NextDouble() - 0.5) * 0.0002;
        _lon += (_random.NextDouble() - 0.5) * 0.0002;
        Append(span, ref pos, ",\"gnss\":{\"lat\":"u8);
        Decimal(span, ref pos, _lat, 6);
        Append(span, ref pos, ",\"lon\":"u8);
        Decimal(span, ref pos, _lon, 6);
        Append(span, ref pos, ",\"acc\":"u8);
        Decimal(span, ref pos, 3 + (_random.NextDouble() * 20), 1);
        Append(span, ref pos, "}}"u8);
        return _buffer.AsMemory(0, pos);
    }

    /// <summary>The sequence number of a payload this class wrote, or -1.</summary>
    public static long ReadSequence(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < SeqOffset + SeqDigits || !payload.StartsWith("{\"seq\":"u8))
        {
            return -1;
        }

        return Utf8Parser.TryParse(payload.Slice(SeqOffset, SeqDigits), out long seq, out var consumed) && consumed == SeqDigits ? seq : -1;
    }

    private static void Append(Span<byte> span, ref int pos, ReadOnlySpan<byte> text)
    {
        text.CopyTo(span[pos..]);
        pos += text.Length;
    }

    private static void Number(Span<byte> span, ref int pos, long value)
    {
        value.TryFormat(span[pos..], out var n, default, System.Globalization.CultureInfo.InvariantCulture);
        pos += n;
    }

    private static void Decimal(Span<byte> span, ref int pos, double value, int digits)
    {
        Utf8Formatter.TryFormat(Math.Round(value, digits), span[pos..], out var n, new System.Buffers.StandardFormat('F', (byte)digits));
        pos += n;
    }
}
