using System.Text.Json.Serialization;

namespace Simulator.Core.Results.Summary;

/// <summary>
/// The part of a run's summary that <c>compare</c> reads. Every schema from 1 on has these
/// members, so a baseline kept from an older simulator still compares.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
internal sealed record ComparedRun
{
    public required int SchemaVersion { get; init; }

    public required string ProfileName { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required string GitCommit { get; init; }

    public required ComparedMachine Machine { get; init; }

    /// <summary>Absent in schema 1's earliest files: false.</summary>
    public bool Cancelled { get; init; }

    public required double ErrorRate { get; init; }

    /// <summary>By the phase's name as the file writes it.</summary>
    public required IReadOnlyDictionary<string, ComparedPhase> Histograms { get; init; }

    /// <summary>A code scenario's named steps; absent in runs without any and in files written before schema 7.</summary>
    public IReadOnlyDictionary<string, ComparedStep>? Steps { get; init; }

    /// <summary>The plan's outages in order; absent in runs without one and in files written before outages were.</summary>
    public IReadOnlyList<ComparedOutage>? Outages { get; init; }

    /// <summary>The backend consumers' figures; absent in runs without consumers and in files written before schema 8.</summary>
    public ConsumerSummary? Consumers { get; init; }

    /// <summary>The cloud-to-device commands' figures; absent in runs without commands and in files written before schema 8.</summary>
    public CommandSummary? Commands { get; init; }

    /// <summary>Failed attempts by class; shown side by side, not judged (the error rate is).</summary>
    public IReadOnlyDictionary<string, long>? Failures { get; init; }

    /// <summary>The profile as run; compare reads the MQTT version from it.</summary>
    public System.Text.Json.Nodes.JsonObject? Profile { get; init; }

    /// <summary>The protocol level the devices spoke: 4 (3.1.1) unless the profile says 5.</summary>
    public int MqttVersion => Profile?["device"]?["mqttVersion"]?.GetValue<int>() ?? 4;
}
