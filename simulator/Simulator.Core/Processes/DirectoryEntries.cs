using System.Runtime.InteropServices;

namespace Simulator.Core.Processes;

/// <summary>Counts a directory's entries with opendir/readdir alone: no stat per entry.</summary>
internal static partial class DirectoryEntries
{
    /// <returns>Entries other than "." and "..", or null when the directory cannot be opened.</returns>
    public static long? Count(string path)
    {
        var dir = OpenDir(path);
        if (dir == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            long n = 0;
            while (ReadDir(dir) != IntPtr.Zero)
            {
                n++;
            }

            // "." and ".." are always listed; the directory stream's own descriptor is counted, as an open file it is.
            return Math.Max(0, n - 2);
        }
        finally
        {
            _ = CloseDir(dir);
        }
    }

    [LibraryImport("libc", EntryPoint = "opendir", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr OpenDir(string name);

    [LibraryImport("libc", EntryPoint = "readdir")]
    private static partial IntPtr ReadDir(IntPtr dir);

    [LibraryImport("libc", EntryPoint = "closedir")]
    private static partial int CloseDir(IntPtr dir);
}
