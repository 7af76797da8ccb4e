using System.Globalization;
using System.Text;

namespace Simulator.Core.Payloads;

/// <summary>
/// A payload template compiled once per run: literal text and <c>{{field}}</c> placeholders
/// (<see cref="PayloadPartKind"/>). Immutable, so every device renders from the same instance.
/// </summary>
internal sealed class PayloadTemplate
{
    /// <summary>The widest a random field can write: sign, 15 integer digits, point, 6 decimals.</summary>
    internal const int RandomWidth = 24;

    /// <summary>A random field's bound, so that its draw always fits <see cref="RandomWidth"/>.</summary>
    internal const double RandomLimit = 1e15;

    private const int MaxDecimals = 6;

    private static readonly Dictionary<string, PayloadPartKind> Names = new(StringComparer.Ordinal)
    {
        ["deviceId"] = PayloadPartKind.DeviceId,
        ["iccid"] = PayloadPartKind.Iccid,
        ["imei"] = PayloadPartKind.Imei,
        ["index"] = PayloadPartKind.Index,
        ["seq"] = PayloadPartKind.Sequence,
        ["timeMs"] = PayloadPartKind.TimeMs,
        ["time"] = PayloadPartKind.TimeIso,
        ["lat"] = PayloadPartKind.Latitude,
        ["lon"] = PayloadPartKind.Longitude,
        ["pad"] = PayloadPartKind.Pad,
    };

    private PayloadTemplate(PayloadPart[] parts)
    {
        Parts = parts;
        HasPad = Array.Exists(parts, p => p.Kind == PayloadPartKind.Pad);
        HasFix = Array.Exists(parts, p => p.Kind is PayloadPartKind.Latitude or PayloadPartKind.Longitude);
    }

    /// <summary>The names a placeholder may have, for error messages and the docs.</summary>
    public static string Fields => "deviceId, iccid, imei, index, seq, timeMs, time, random:MIN:MAX, lat, lon, pad";

    public PayloadPart[] Parts { get; }

    /// <summary>The template has a <c>{{pad}}</c>: messages are filled to their drawn size.</summary>
    public bool HasPad { get; }

    /// <summary>The template writes a GNSS fix, so the device's fix wanders once per message.</summary>
    public bool HasFix { get; }

    /// <summary>Compiles <paramref name="text"/>; false with the reason and its character position when it is not a template.</summary>
    public static bool TryParse(string text, out PayloadTemplate? template, out string error)
    {
        template = null;
        error = "";
        var parts = new List<PayloadPart>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var open = text.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0)
            {
                literal.Append(text, i, text.Length - i);
                break;
            }

            literal.Append(text, i, open - i);
            var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                error = $"the placeholder at character {open + 1} has no closing }}}}";
                return false;
            }

            var name = text.Substring(open + 2, close - open - 2).Trim();
            if (!TryField(name, out var part, out var why))
            {
                error = $"{{{{{name}}}}} at character {open + 1}: {why}";
                return false;
            }

            if (part.Kind == PayloadPartKind.Pad && parts.Exists(p => p.Kind == PayloadPartKind.Pad))
            {
                error = $"{{{{pad}}}} at character {open + 1}: a template has at most one pad";
                return false;
            }

            if (literal.Length > 0)
            {
                parts.Add(new PayloadPart(PayloadPartKind.Literal, Encoding.UTF8.GetBytes(literal.ToString())));
                literal.Clear();
            }

            parts.Add(part);
            i = close + 2;
        }

        if (literal.Length > 0)
        {
            parts.Add(new PayloadPart(PayloadPartKind.Literal, Encoding.UTF8.GetBytes(literal.ToString())));
        }

        if (parts.Count == 0)
        {
            error = "the template is empty";
            return false;
        }

        template = new PayloadTemplate([.. parts]);
        return true;
    }

    /// <summary>The most bytes the fields and text write for a device with these identity strings, before any pad.</summary>
    public int MaxLength(int deviceIdBytes, int iccidBytes, int imeiBytes)
    {
        var n = 0;
        foreach (var p in Parts)
        {
            n += p.Kind switch
            {
                PayloadPartKind.Literal => p.Literal.Length,
                PayloadPartKind.DeviceId => deviceIdBytes,
                PayloadPartKind.Iccid => iccidBytes,
                PayloadPartKind.Imei => imeiBytes,
                PayloadPartKind.Index => 11,
                PayloadPartKind.Sequence or PayloadPartKind.TimeMs => 20,
                PayloadPartKind.TimeIso => 24,
                PayloadPartKind.Random => RandomWidth,
                PayloadPartKind.Latitude or PayloadPartKind.Longitude => 11,
                _ => 0,
            };
        }

        return n;
    }

    private static bool TryField(string name, out PayloadPart part, out string why)
    {
        part = default;
        why = "";
        if (Names.TryGetValue(name, out var kind))
        {
            part = new PayloadPart(kind, []);
            return true;
        }

        if (!name.StartsWith("random:", StringComparison.Ordinal))
        {
            why = $"not a field; the fields are {Fields}";
            return false;
        }

        var range = name["random:".Length..].Split(':');
        if (range.Length != 2 || !TryBound(range[0], out var min, out var minDecimals) || !TryBound(range[1], out var max, out var maxDecimals))
        {
            why = $"a random field is random:MIN:MAX with MIN and MAX numbers from -{RandomLimit:0} to {RandomLimit:0} and at most {MaxDecimals} decimals, e.g. random:18.0:26.5";
            return false;
        }

        if (min > max)
        {
            why = $"MIN ({range[0]}) is above MAX ({range[1]})";
            return false;
        }

        part = new PayloadPart(PayloadPartKind.Random, [], min, max, Math.Max(minDecimals, maxDecimals));
        return true;
    }

    private static bool TryBound(string text, out double value, out int decimals)
    {
        var point = text.IndexOf('.', StringComparison.Ordinal);
        decimals = point < 0 ? 0 : text.Length - point - 1;
        return double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value)
            && Math.Abs(value) <= RandomLimit && decimals <= MaxDecimals && (point < 0 || decimals > 0);
    }
}
