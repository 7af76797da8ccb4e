namespace Simulator.Core.Load.Profiles;

/// <summary>Which devices run, as the loader settled it: a generated fleet (count, seed) or a fleet directory, and which shard of it.</summary>
internal sealed record FleetOptions
{
    public required int Count { get; init; }

    /// <summary>The seed the fleet's keys derive from; null on a profile read back from results, which keep only <see cref="SeedFingerprint"/>.</summary>
    public required Identity.FleetSeed? Seed { get; init; }

    /// <summary>Set on a profile read back from results, in place of the seed.</summary>
    public string? SeedFingerprint { get; init; }

    /// <summary>Null while the profile says "auto": <see cref="ShardAssignment.Resolve"/> settles it from the environment.</summary>
    public required FleetShard? Shard { get; init; }

    public string? Directory { get; init; }

    /// <summary>The shard this process runs; only "auto" before <see cref="ShardAssignment.Resolve"/> has none.</summary>
    public FleetShard Assigned => Shard ?? throw new InvalidOperationException("fleet.shard \"auto\" was not resolved: ShardAssignment.Resolve runs before the fleet is built");

    /// <summary>The seed, for building the fleet; a profile read back from results has none.</summary>
    public Identity.FleetSeed RequiredSeed => Seed ?? throw new InvalidOperationException("a profile read back from results keeps only its seed's fingerprint: no fleet can be built from it");
}
