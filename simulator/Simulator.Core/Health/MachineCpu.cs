using System.Globalization;

namespace Simulator.Core.Health;

/// <summary>
/// The whole machine's CPU busy share between two reads of /proc/stat's "cpu" line. A busy
/// machine skews latencies whoever keeps it busy (this process, an embedded gateway, a neighbour).
/// </summary>
internal sealed class MachineCpu
{
    private (long Busy, long Total)? _last = Read();

    /// <summary>Percent busy since the last call, or null where /proc/stat cannot be read.</summary>
    public double? Sample()
    {
        var now = Read();
        if (now is not { } n || _last is not { } l || n.Total <= l.Total)
        {
            _last = now;
            return null;
        }

        _last = now;
        return 100.0 * (n.Busy - l.Busy) / (n.Total - l.Total);
    }

    private static (long Busy, long Total)? Read()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            var line = reader.ReadLine();
            if (line is null || !line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                return null;
            }

            var fields = line[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();

            // user nice system idle iowait irq softirq steal (guest time is inside user).
            var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0);
            var total = fields.Take(Math.Min(fields.Length, 8)).Sum();
            return (total - idle, total);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
