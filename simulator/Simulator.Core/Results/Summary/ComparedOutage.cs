using System.Text.Json.Serialization;

namespace Simulator.Core.Results.Summary;

/// <summary>The part of an outage's storm that <c>compare</c> reads.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
internal sealed record ComparedOutage
{
    public required int AtSecond { get; init; }

    public required int DevicesCut { get; init; }

    /// <summary>Null when fewer than 90 % of the cut devices came back.</summary>
    public double? SecondsTo90 { get; init; }
}
