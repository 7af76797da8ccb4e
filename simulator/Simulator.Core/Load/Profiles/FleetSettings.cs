namespace Simulator.Core.Load.Profiles;

/// <summary>Which devices run: a generated fleet (count, seed) or a fleet directory, optionally one shard of it.</summary>
internal sealed class FleetSettings
{
    public int Count { get; set; } = 100;

    public string Seed { get; set; } = "1";

    /// <summary>"i/N": this process runs every device whose index % N == i; "auto": i from JOB_COMPLETION_INDEX, N from --shards or SIMULATOR_SHARDS.</summary>
    public string Shard { get; set; } = "0/1";

    public string? Directory { get; set; }

    /// <summary>What results write in place of <see cref="Seed"/>; accepted only when a written profile is read back.</summary>
    public string? SeedFingerprint { get; set; }
}
