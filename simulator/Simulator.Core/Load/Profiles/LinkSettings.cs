using System.Text.Json.Serialization;
using Simulator.Core.Transport.Link;

namespace Simulator.Core.Load.Profiles;

/// <summary>
/// A profile's <c>device.link</c>: a preset's name ("none", "lte-m", "nb-iot"), or an object of a
/// preset and the values that override it. A rate of 0 is unlimited.
/// </summary>
[JsonConverter(typeof(LinkSettingsConverter))]
internal sealed record LinkSettings
{
    public LinkPreset Preset { get; init; }

    public double? RttP50Ms { get; init; }

    public double? RttP99Ms { get; init; }

    public double? UplinkKbps { get; init; }

    public double? DownlinkKbps { get; init; }

    public double? LossRate { get; init; }

    /// <summary>True when the setting is just a preset's name.</summary>
    public bool IsPresetOnly => RttP50Ms is null && RttP99Ms is null && UplinkKbps is null && DownlinkKbps is null && LossRate is null;

    /// <summary>The link the devices get; null at loopback speed (preset none with nothing set).</summary>
    public LinkProfile? Resolve()
    {
        var start = Preset switch
        {
            LinkPreset.LteM => LinkProfile.LteM,
            LinkPreset.NbIot => LinkProfile.NbIot,
            _ => null,
        };
        if (start is null && IsPresetOnly)
        {
            return null;
        }

        start ??= new LinkProfile(0, 0);
        var p50 = RttP50Ms ?? start.RttP50Ms;

        // A median moved without its tail keeps the preset's tail in proportion.
        var tail = start.RttP50Ms > 0 ? start.RttP99Ms / start.RttP50Ms : 1;
        return new LinkProfile(
            p50,
            RttP99Ms ?? (RttP50Ms is null ? start.RttP99Ms : p50 * tail),
            Rate(UplinkKbps, start.UplinkKbps),
            Rate(DownlinkKbps, start.DownlinkKbps),
            LossRate ?? start.LossRate);
    }

    private static double? Rate(double? set, double? preset) => set is { } s ? (s == 0 ? null : s) : preset;
}
