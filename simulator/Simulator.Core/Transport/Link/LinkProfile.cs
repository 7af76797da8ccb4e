namespace Simulator.Core.Transport.Link;

/// <summary>
/// A cellular link between a device and the cloud, as the device's packets see it: a round trip
/// drawn per packet from a log-normal fitted to its median and 99th percentile, a rate each way,
/// and loss paid as TCP retransmission delay. docs/cellular-links.md gives the figures' sources.
/// </summary>
/// <param name="RttP50Ms">The round trip's median, in milliseconds.</param>
/// <param name="RttP99Ms">Its 99th percentile (at least the median): the tail.</param>
/// <param name="UplinkKbps">Device to cloud, kbit/s; null is unlimited.</param>
/// <param name="DownlinkKbps">Cloud to device, kbit/s; null is unlimited.</param>
/// <param name="LossRate">The share of TCP segments lost once, 0 to 0.5; each loss delays its segment and those behind it by a retransmission timeout.</param>
/// <param name="BurstBytes">
/// A token bucket's depth on each rate: bytes that leave at once after a pause. A radio link has
/// none (0); a shaper such as <c>tc tbf</c> has its burst, and a model compared with one needs it.
/// </param>
internal sealed record LinkProfile(double RttP50Ms, double RttP99Ms, double? UplinkKbps = null, double? DownlinkKbps = null, double LossRate = 0, int BurstBytes = 0)
{
    /// <summary>LTE-M (Cat-M1): a practical 100 ms round trip to a cloud region with a 300 ms tail, and the category's 1 Mbit/s peak each way.</summary>
    public static LinkProfile LteM { get; } = new(100, 300, 1000, 1000);

    /// <summary>NB-IoT (Cat-NB1): a measured 840 ms median round trip, a 5 s tail, and the category's peaks, 62 kbit/s up and 26 kbit/s down.</summary>
    public static LinkProfile NbIot { get; } = new(840, 5000, 62, 26);

    /// <summary>"rtt p50 100 ms, p99 300 ms, up 1000 kbit/s, down 1000 kbit/s, loss 0 %".</summary>
    public override string ToString() =>
        FormattableString.Invariant($"rtt p50 {RttP50Ms:0.#} ms, p99 {RttP99Ms:0.#} ms, up {Rate(UplinkKbps)}, down {Rate(DownlinkKbps)}, loss {LossRate * 100:0.##} %");

    private static string Rate(double? kbps) => kbps is { } k ? FormattableString.Invariant($"{k:0.#} kbit/s") : "unlimited";
}
