using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Simulator.Core.Results.Summary;

/// <summary>run.json: what is known of a run before its first arrival, enough to judge its rows if it never finishes.</summary>
[Description("A run's run.json, written before its first arrival.")]
internal sealed record RunStartRecord
{
    public required int SchemaVersion { get; init; }

    public required string Tool { get; init; }

    public required string ProfileName { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required string Tls { get; init; }

    public required long FleetDevices { get; init; }

    public required long PlannedDevices { get; init; }

    public required double PlanSeconds { get; init; }

    public required bool EmbeddedGatewayInProcess { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? StartSkewMs { get; init; }

    [Description("The profile as run, its fleet seed replaced by a fingerprint.")]
    public required JsonObject Profile { get; init; }
}
