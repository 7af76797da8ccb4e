using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Simulator.Core.Processes;

/// <summary>
/// Hands glibc's free native memory back to the kernel now and then. Under reconnect churn the TLS
/// libraries free as much as they allocate, but glibc keeps the freed pages inside its heaps
/// (it returns only the top of each), so RSS creeps up with the holes while nothing is live in
/// them. <c>malloc_trim(0)</c> releases every free page of every arena. It costs a walk of the
/// free lists, about a millisecond for tens of MB, once a period, on a timer of its own.
/// </summary>
internal sealed partial class NativeHeapTrimmer : IDisposable
{
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromSeconds(30);

    private readonly Timer _timer;
    private long _trims;
    private long _ticks;

    private NativeHeapTrimmer(TimeSpan period) => _timer = new Timer(_ => Trim(), null, period, period);

    /// <summary>Trims done so far.</summary>
    public long Trims => Interlocked.Read(ref _trims);

    /// <summary>Time spent trimming so far.</summary>
    public TimeSpan Spent => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks));

    /// <summary>A trimmer on glibc, which has <c>malloc_trim</c>; null elsewhere (musl, macOS, Windows).</summary>
    public static NativeHeapTrimmer? Start(TimeSpan? period = null)
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libc.so.6", out var libc))
        {
            return null;
        }

        var present = NativeLibrary.TryGetExport(libc, "malloc_trim", out _);
        NativeLibrary.Free(libc);
        return present ? new NativeHeapTrimmer(period ?? DefaultPeriod) : null;
    }

    /// <summary>Trims now; true when glibc gave memory back.</summary>
    public bool Trim()
    {
        var start = Stopwatch.GetTimestamp();
        var released = MallocTrim(0) != 0;
        Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - start);
        Interlocked.Increment(ref _trims);
        return released;
    }

    public void Dispose() => _timer.Dispose();

    [LibraryImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
