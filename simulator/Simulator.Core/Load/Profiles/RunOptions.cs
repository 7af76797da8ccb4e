using System.Text.Json;
using System.Text.Json.Nodes;

namespace Simulator.Core.Load.Profiles;

/// <summary>
/// A run's configuration as <see cref="ProfileLoader"/> settled it: validated, parsed once
/// (shard, seed, start instant, addresses), immutable. A change (a capacity step, a shard
/// resolved, --start-at) is a new one made with <c>with</c>; nothing after the loader reads the
/// profile's JSON shape, except <see cref="Document"/>, which results keep as the profile's text.
/// </summary>
internal sealed record RunOptions
{
    public required string Name { get; init; }

    public string? Description { get; init; }

    public required TargetOptions Target { get; init; }

    public required FleetOptions Fleet { get; init; }

    public required TokenSettings Token { get; init; }

    public required DeviceTransportOptions Transport { get; init; }

    public required DeviceSettings Device { get; init; }

    /// <summary>The plan, every ramp's and spike's "to" filled in.</summary>
    public required IReadOnlyList<PhaseSettings> Phases { get; init; }

    public required ArrivalMode Arrivals { get; init; }

    public required WarmUpSettings WarmUp { get; init; }

    /// <summary>The instant the plan starts, after set-up and warm-up, so shards' phases line up; null to start when ready.</summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>Null when the profile has no thresholds section: it is then judged by <see cref="ThresholdSettings.DefaultsFor"/>. An empty section judges nothing (NO THRESHOLDS).</summary>
    public ThresholdSettings? Thresholds { get; init; }

    public required CapacitySettings Capacity { get; init; }

    /// <summary>Backend subscribers that take the fleet's messages; Count 0: none.</summary>
    public ConsumerSettings Consumers { get; init; } = new();

    /// <summary>Cloud-to-device commands; RatePerSecond 0: none.</summary>
    public CommandSettings Commands { get; init; } = new();

    /// <summary>Settings of the embedded gateway (the gateway config's keys).</summary>
    public JsonElement? Gateway { get; init; }

    /// <summary>The profile as given (after --set), for results; never read for configuration.</summary>
    public required JsonObject Document { get; init; }
}
