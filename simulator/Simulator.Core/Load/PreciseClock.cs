using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Simulator.Core.Load;

/// <summary>
/// Waits until a Stopwatch instant with sub-millisecond precision and little CPU: long waits on
/// the stop handle (so a stop is prompt), the last stretch in one nanosleep (Linux; Thread.Sleep
/// only knows whole milliseconds and overshoots by up to one), the final ~50 µs spinning.
/// </summary>
internal static partial class PreciseClock
{
    private static readonly long SpinTicks = Stopwatch.Frequency / 20_000; // 50 µs
    private static bool _nanosleep = OperatingSystem.IsLinux();

    /// <summary>Returns false if <paramref name="stop"/> was cancelled first.</summary>
    public static bool WaitUntil(long due, CancellationToken stop)
    {
        while (true)
        {
            if (stop.IsCancellationRequested)
            {
                return false;
            }

            var remaining = due - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return true;
            }

            var ms = remaining * 1000 / Stopwatch.Frequency;
            if (ms > 20)
            {
                stop.WaitHandle.WaitOne((int)Math.Min(ms - 10, 1000));
            }
            else if (remaining > SpinTicks)
            {
                Sleep(remaining - SpinTicks);
            }
            else
            {
                Thread.SpinWait(20);
            }
        }
    }

    private static void Sleep(long stopwatchTicks)
    {
        if (_nanosleep)
        {
            var ns = stopwatchTicks * 1_000_000_000 / Stopwatch.Frequency;
            var request = new Timespec { Seconds = ns / 1_000_000_000, Nanoseconds = ns % 1_000_000_000 };
            try
            {
                _ = NanoSleep(in request, out _);
                return;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                _nanosleep = false;
            }
        }

        Thread.Sleep((int)Math.Max(0, (stopwatchTicks * 1000 / Stopwatch.Frequency) - 1));
    }

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static partial int NanoSleep(in Timespec request, out Timespec remaining);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
