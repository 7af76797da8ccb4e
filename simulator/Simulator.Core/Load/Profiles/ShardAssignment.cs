using System.Globalization;
using Simulator.Core.Errors;

namespace Simulator.Core.Load.Profiles;

/// <summary>
/// Settles which shard this process is. <c>fleet.shard: "auto"</c> takes the index from
/// <c>JOB_COMPLETION_INDEX</c> (what a Kubernetes Indexed Job gives each pod) and the count from
/// <c>--shards N</c> or <c>SIMULATOR_SHARDS</c>. Devices already split by index % N, so client ids
/// never collide; with at least N source addresses each shard also takes its own (address j goes
/// to shard j % N), so shards on one machine never share a source address's ports.
/// </summary>
internal static class ShardAssignment
{
    public const string Auto = "auto";
    public const string IndexVariable = "JOB_COMPLETION_INDEX";
    public const string CountVariable = "SIMULATOR_SHARDS";

    /// <summary>The options with their shard settled, and this shard's source addresses taken.</summary>
    public static RunOptions Resolve(RunOptions profile, int? shardsOption, Func<string, string?> environment, string profilePath)
    {
        FleetShard resolved;
        if (profile.Fleet.Shard is not { } given)
        {
            var indexText = environment(IndexVariable);
            if (string.IsNullOrEmpty(indexText))
            {
                throw new InputException($"fleet.shard is \"auto\" but {IndexVariable} is not set (a Kubernetes Indexed Job sets it; elsewhere set it, or give fleet.shard as \"i/N\")", profilePath, field: "$.fleet.shard");
            }

            if (!int.TryParse(indexText, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                throw new InputException($"must be a whole number 0 or more, got \"{indexText}\"", field: IndexVariable);
            }

            int count;
            if (shardsOption is { } n)
            {
                count = n;
            }
            else
            {
                var countText = environment(CountVariable);
                if (string.IsNullOrEmpty(countText))
                {
                    throw new InputException($"fleet.shard is \"auto\": give the number of shards with --shards N or {CountVariable}", profilePath, field: "$.fleet.shard");
                }

                count = int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c >= 1
                    ? c
                    : throw new InputException($"must be a whole number 1 or more, got \"{countText}\"", field: CountVariable);
            }

            if (count < 1)
            {
                throw new InputException($"must be 1 or more, got {count}", field: "--shards");
            }

            if (index >= count)
            {
                throw new InputException($"{IndexVariable} is {index}, but there are only {count} shards (0 to {count - 1})", field: IndexVariable);
            }

            resolved = new FleetShard(index, count);
        }
        else if (shardsOption is { } n && given.Count != n)
        {
            throw new InputException($"--shards {n} needs fleet.shard \"auto\" (or \"i/{n}\"), but the profile says \"{given}\"", profilePath, field: "$.fleet.shard");
        }
        else
        {
            resolved = given;
        }

        var sources = profile.Transport.SourceAddresses;
        if (resolved.Count > 1 && sources.Count >= resolved.Count)
        {
            sources = [.. sources.Where((_, j) => j % resolved.Count == resolved.Index)];
        }

        return profile with
        {
            Fleet = profile.Fleet with { Shard = resolved },
            Transport = profile.Transport with { SourceAddresses = sources },
        };
    }
}
