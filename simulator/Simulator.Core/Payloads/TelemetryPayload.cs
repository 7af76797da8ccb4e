using System.Buffers.Text;
using System.Globalization;

namespace Simulator.Core.Payloads;

/// <summary>
/// The default body: nRF9160-like telemetry (sequence, time, IMEI, RSRP, battery, temperature and a
/// GNSS fix that wanders), about 190 bytes of JSON.
/// </summary>
internal sealed class TelemetryPayload : DevicePayload
{
    private const int SequenceDigits = 10;
    private readonly byte[] _imei;
    private readonly Random _random;
    private readonly GnssWalk _fix;
    private int _battery;

    public TelemetryPayload(string imei, int seed)
    {
        _imei = System.Text.Encoding.ASCII.GetBytes(imei);
        _random = new Random(seed);
        _fix = new GnssWalk(_random);
        _battery = 3600 + _random.Next(600);
    }

    public override int MaxBytes => 200 + _imei.Length;

    public override int Write(Span<byte> span, long sequence, long unixMs)
    {
        var pos = 0;
        PayloadText.Append(span, ref pos, "{\"seq\":"u8);
        sequence.TryFormat(span[pos..], out _, "D10", CultureInfo.InvariantCulture);
        pos += SequenceDigits;
        PayloadText.Append(span, ref pos, ",\"ts\":"u8);
        PayloadText.Number(span, ref pos, unixMs);
        PayloadText.Append(span, ref pos, ",\"imei\":\""u8);
        PayloadText.Append(span, ref pos, _imei);
        PayloadText.Append(span, ref pos, "\",\"rsrp\":"u8);
        PayloadText.Number(span, ref pos, -70 - _random.Next(50));
        _battery = Math.Max(3300, _battery - (_random.Next(3) == 0 ? 1 : 0));
        PayloadText.Append(span, ref pos, ",\"bat\":"u8);
        PayloadText.Number(span, ref pos, _battery);
        PayloadText.Append(span, ref pos, ",\"temp\":"u8);
        PayloadText.Decimal(span, ref pos, 18 + (_random.NextDouble() * 8), 1);
        _fix.Step();
        PayloadText.Append(span, ref pos, ",\"gnss\":{\"lat\":"u8);
        PayloadText.Decimal(span, ref pos, _fix.Latitude, GnssWalk.Decimals);
        PayloadText.Append(span, ref pos, ",\"lon\":"u8);
        PayloadText.Decimal(span, ref pos, _fix.Longitude, GnssWalk.Decimals);
        PayloadText.Append(span, ref pos, ",\"acc\":"u8);
        PayloadText.Decimal(span, ref pos, 3 + (_random.NextDouble() * 20), 1);
        PayloadText.Append(span, ref pos, "}}"u8);
        return pos;
    }
}
