using System.Runtime.InteropServices;

namespace Simulator.Core.Processes;

/// <summary>
/// Who owns a file, which .NET does not say: <c>statx(2)</c>, whose buffer has one layout on every
/// Linux architecture (unlike <c>struct stat</c>), and this process's effective user.
/// </summary>
internal static partial class FileOwner
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxUid = 0x8;
    private const int UidOffset = 20; // struct statx: u32 stx_mask, u32 stx_blksize, u64 stx_attributes, u32 stx_nlink, u32 stx_uid

    /// <summary>The owner's user id of <paramref name="path"/> (a link itself, not its target), or null where it cannot be read.</summary>
    public static unsafe uint? UserId(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxUid, buffer) != 0 || (*(uint*)buffer & StatxUid) == 0)
        {
            return null;
        }

        return *(uint*)(buffer + UidOffset);
    }

    /// <summary>This process's effective user id.</summary>
    public static uint EffectiveUserId => OperatingSystem.IsLinux() ? GetEuid() : 0;

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();
}
