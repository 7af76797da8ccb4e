using System.Runtime.InteropServices;

namespace Simulator.Core.Processes;

/// <summary>
/// How many files this process has open, from one statx of /proc/self/fd: since Linux 6.2 its
/// size is the number of open descriptors. Listing the directory instead walks every entry, which
/// a profile of a 10,000-device hold showed costing 4 % of the client's CPU, once a second.
/// </summary>
internal static partial class OpenFileCount
{
    private const int AtFdCwd = -100;
    private const uint StatxSize = 0x200;
    private const int SizeOffset = 40; // struct statx: __u64 stx_size after mask, blksize, attributes, nlink, uid, gid, mode, spare, ino

    /// <returns>The count, or null where the kernel does not report it (before 6.2 the size reads 0) or statx is missing.</returns>
    public static long? FromStat()
    {
        Span<byte> buffer = stackalloc byte[256];
        buffer.Clear();
        try
        {
            if (Statx(AtFdCwd, "/proc/self/fd", 0, StatxSize, ref MemoryMarshal.GetReference(buffer)) != 0)
            {
                return null;
            }
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
        catch (DllNotFoundException)
        {
            return null;
        }

        var mask = MemoryMarshal.Read<uint>(buffer);
        var size = MemoryMarshal.Read<ulong>(buffer[SizeOffset..]);
        return (mask & StatxSize) != 0 && size > 0 ? (long)size : null;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, ref byte statx);
}
