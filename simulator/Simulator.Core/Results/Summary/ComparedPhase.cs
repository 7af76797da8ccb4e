using System.Text.Json.Serialization;

namespace Simulator.Core.Results.Summary;

/// <summary>One phase's figures that <c>compare</c> judges.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
internal sealed record ComparedPhase
{
    public required long Count { get; init; }

    public required double P50Ms { get; init; }

    public required double P99Ms { get; init; }
}
