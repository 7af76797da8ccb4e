using System.Text.Json;

namespace Simulator.Core.Load.Profiles;

/// <summary>
/// A load profile file's JSON shape (profiles/*.json), read by <see cref="ProfileLoader"/> alone,
/// which validates it and returns <see cref="RunOptions"/>.
/// </summary>
internal sealed class ProfileDocument
{
    /// <summary>The profile schema an editor checks the file against (docs/profile.schema.json); ignored by the run.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("$schema")]
    public string? Schema { get; set; }

    public string Name { get; set; } = "unnamed";

    public string? Description { get; set; }

    public TargetSettings Target { get; set; } = new();

    public FleetSettings Fleet { get; set; } = new();

    public TokenSettings Token { get; set; } = new();

    public TransportSettings Transport { get; set; } = new();

    public DeviceSettings Device { get; set; } = new();

    public IReadOnlyList<PhaseSettings> Phases { get; set; } = [];

    /// <summary>How ramp arrivals are spaced: "even" (default) or "poisson".</summary>
    public ArrivalMode Arrivals { get; set; } = ArrivalMode.Even;

    public WarmUpSettings WarmUp { get; set; } = new();

    /// <summary>
    /// An RFC 3339 instant (e.g. "2026-11-24T10:00:00Z") at which the plan starts, after set-up and
    /// warm-up, so every shard's phases line up; <c>run --start-at</c> overrides it.
    /// </summary>
    public string? StartAt { get; set; }

    /// <summary>Null when the profile has no thresholds section: it is then judged by <see cref="ThresholdSettings.DefaultsFor"/>. An empty section judges nothing (NO THRESHOLDS).</summary>
    public ThresholdSettings? Thresholds { get; set; }

    /// <summary>Backend subscribers that take the fleet's messages; none unless a count is set.</summary>
    public ConsumerSettings Consumers { get; set; } = new();

    /// <summary>Cloud-to-device commands; none unless a rate is set.</summary>
    public CommandSettings Commands { get; set; } = new();

    /// <summary>Used by <c>simulator capacity</c> only.</summary>
    public CapacitySettings Capacity { get; set; } = new();

    /// <summary>Settings of the embedded gateway (the gateway config's keys: quotas, faults, authorizers …).</summary>
    public JsonElement? Gateway { get; set; }
}
