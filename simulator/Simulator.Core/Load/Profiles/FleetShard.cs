using System.Globalization;

namespace Simulator.Core.Load.Profiles;

/// <summary>One shard of a fleet split N ways: this process runs every device whose index % <see cref="Count"/> == <see cref="Index"/>.</summary>
internal readonly record struct FleetShard(int Index, int Count)
{
    public static FleetShard Whole { get; } = new(0, 1);

    public bool IsWhole => Count == 1;

    /// <summary>"i/N" with 0 &lt;= i &lt; N.</summary>
    public static bool TryParse(string? text, out FleetShard shard)
    {
        shard = default;
        var parts = text?.Split('/');
        if (parts is not { Length: 2 }
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count < 1 || index >= count)
        {
            return false;
        }

        shard = new FleetShard(index, count);
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
