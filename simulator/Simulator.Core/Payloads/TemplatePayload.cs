using System.Text;
using Simulator.Core.Identity;

namespace Simulator.Core.Payloads;

/// <summary>
/// A device's messages from the run's template: its identity written in, each message's fields
/// drawn, and where the template has a pad, filler up to a size drawn uniformly between the
/// profile's bounds.
/// </summary>
internal sealed class TemplatePayload : DevicePayload
{
    private readonly PayloadTemplate _template;
    private readonly byte[] _deviceId;
    private readonly byte[] _iccid;
    private readonly byte[] _imei;
    private readonly int _index;
    private readonly int _sizeMin;
    private readonly int _sizeMax;
    private readonly Random _random;
    private readonly GnssWalk? _fix;

    public TemplatePayload(PayloadTemplate template, DeviceIdentity identity, int sizeMin, int sizeMax)
    {
        _template = template;
        _deviceId = Encoding.UTF8.GetBytes(identity.DeviceId);
        _iccid = Encoding.UTF8.GetBytes(identity.Iccid);
        _imei = Encoding.UTF8.GetBytes(identity.Imei);
        _index = identity.Index;
        _sizeMin = sizeMin;
        _sizeMax = sizeMax;
        _random = new Random(identity.Index);
        _fix = template.HasFix ? new GnssWalk(_random) : null;
        MaxBytes = template.MaxLength(_deviceId.Length, _iccid.Length, _imei.Length) + (template.HasPad ? sizeMax : 0);
    }

    public override int MaxBytes { get; }

    public override int Write(Span<byte> span, long sequence, long unixMs)
    {
        _fix?.Step();
        var pos = 0;
        var padAt = -1;
        foreach (var p in _template.Parts)
        {
            switch (p.Kind)
            {
                case PayloadPartKind.Literal: PayloadText.Append(span, ref pos, p.Literal); break;
                case PayloadPartKind.DeviceId: PayloadText.Append(span, ref pos, _deviceId); break;
                case PayloadPartKind.Iccid: PayloadText.Append(span, ref pos, _iccid); break;
                case PayloadPartKind.Imei: PayloadText.Append(span, ref pos, _imei); break;
                case PayloadPartKind.Index: PayloadText.Number(span, ref pos, _index); break;
                case PayloadPartKind.Sequence: PayloadText.Number(span, ref pos, sequence); break;
                case PayloadPartKind.TimeMs: PayloadText.Number(span, ref pos, unixMs); break;
                case PayloadPartKind.TimeIso: PayloadText.IsoTime(span, ref pos, unixMs); break;
                case PayloadPartKind.Latitude: PayloadText.Decimal(span, ref pos, _fix!.Latitude, GnssWalk.Decimals); break;
                case PayloadPartKind.Longitude: PayloadText.Decimal(span, ref pos, _fix!.Longitude, GnssWalk.Decimals); break;
                case PayloadPartKind.Random when p.Decimals == 0:
                    PayloadText.Number(span, ref pos, _random.NextInt64((long)p.Min, (long)p.Max + 1));
                    break;
                case PayloadPartKind.Random:
                    PayloadText.Decimal(span, ref pos, p.Min + (_random.NextDouble() * (p.Max - p.Min)), p.Decimals);
                    break;
                case PayloadPartKind.Pad: padAt = pos; break;
            }
        }

        if (padAt < 0)
        {
            return pos;
        }

        // The size is the whole message's: the text after the pad moves right by what the pad fills.
        var size = _sizeMin == _sizeMax ? _sizeMin : _random.Next(_sizeMin, _sizeMax + 1);
        var fill = Math.Max(0, size - pos);
        span[padAt..pos].CopyTo(span[(padAt + fill)..]);
        span.Slice(padAt, fill).Fill((byte)'x');
        return pos + fill;
    }
}
