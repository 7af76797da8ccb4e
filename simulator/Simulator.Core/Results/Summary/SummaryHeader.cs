using System.Text.Json.Serialization;

namespace Simulator.Core.Results.Summary;

/// <summary>What any summary.json says of itself, read before its body: which layout, and whether it is a capacity search's.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
internal sealed record SummaryHeader
{
    public int? SchemaVersion { get; init; }

    /// <summary>"capacity" on a capacity search's summary; absent on a run's.</summary>
    public string? Kind { get; init; }
}
