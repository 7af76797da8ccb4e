using System.Globalization;

namespace Simulator.Core.Processes;

/// <summary>What the kernel allows this process (Linux /proc); null where it cannot be read.</summary>
internal static class ProcessLimits
{
    /// <summary>The soft limit on open files (RLIMIT_NOFILE), from /proc/self/limits.</summary>
    public static long? OpenFileLimit()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var parts = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return parts.Length > 0 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft) ? soft : null;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    /// <summary>Files this process has open now: the size of /proc/self/fd, or its entries on kernels before 6.2.</summary>
    /// <remarks>
    /// The listing reads with readdir only: .NET's enumeration stats every entry (they are
    /// symlinks), which a profile of a 50,000-device run showed costing more than the devices.
    /// </remarks>
    public static long? OpenFiles() => OperatingSystem.IsLinux() ? OpenFileCount.FromStat() ?? DirectoryEntries.Count("/proc/self/fd") : null;

    /// <summary>The ephemeral port range (ip_local_port_range): how many connections one source address can open to one server port.</summary>
    public static (int Low, int High)? EphemeralPorts()
    {
        try
        {
            var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return parts.Length == 2
                && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var low)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var high)
                ? (low, high) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
