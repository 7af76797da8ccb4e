using System.ComponentModel;
using Simulator.Core.Histograms;

namespace Simulator.Core.Results.Summary;

/// <summary>
/// One phase's latencies: percentiles for reading, and the lossless HdrHistogram beside them, so
/// shards merge exactly and HdrHistogram's own tools read it.
/// </summary>
[Description("One phase's latencies: percentiles for reading, and the lossless histogram for merging.")]
public sealed record HistogramSummary
{
    public required long Count { get; init; }

    public required double MinMs { get; init; }

    public required double MeanMs { get; init; }

    public required double P50Ms { get; init; }

    public required double P90Ms { get; init; }

    public required double P99Ms { get; init; }

    public required double P999Ms { get; init; }

    public required double MaxMs { get; init; }

    [Description("Always \"hdrhistogram-v2-compressed-base64\".")]
    public required string Encoding { get; init; }

    [Description("The exact smallest value, in microseconds.")]
    public required long MinUs { get; init; }

    [Description("The exact largest value, in microseconds.")]
    public required long MaxUs { get; init; }

    [Description("The microsecond counts in HdrHistogram's V2 compressed encoding, base64.")]
    public required string Histogram { get; init; }

    internal static HistogramSummary Of(LatencyHistogram h) => new()
    {
        Count = h.Count,
        MinMs = h.Min / 1000.0,
        MeanMs = Math.Round(h.Mean / 1000.0, 3),
        P50Ms = Ms(h, 50),
        P90Ms = Ms(h, 90),
        P99Ms = Ms(h, 99),
        P999Ms = Ms(h, 99.9),
        MaxMs = h.Max / 1000.0,
        Encoding = LatencyHistogram.Encoding,
        MinUs = h.Min,
        MaxUs = h.Max,
        Histogram = h.ToCompressedBase64(),
    };

    /// <summary>The histogram itself again; a foreign encoding or garbled data throws <see cref="FormatException"/>.</summary>
    internal LatencyHistogram Decode()
    {
        if (Encoding != LatencyHistogram.Encoding)
        {
            throw new FormatException($"encoding must be \"{LatencyHistogram.Encoding}\"");
        }

        return LatencyHistogram.FromCompressedBase64(Histogram, MinUs, MaxUs);
    }

    private static double Ms(LatencyHistogram h, double percentile) => h.Percentile(percentile) / 1000.0;
}
