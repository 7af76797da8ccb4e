using System.Runtime.InteropServices;
using Simulator.Core.Processes;
using Simulator.Tests.Mqtt;

namespace Simulator.Tests.Cli;

/// <summary>
/// What the long-running verbs' trimmer hands back: native memory freed in the middle of glibc's
/// heap stays in the process (only the top is returned on free) until malloc_trim releases it.
/// </summary>
[Collection(nameof(AllocationCollection))] // no other test allocates meanwhile
[Trait(Support.Tier.Name, Support.Tier.Full)] // a memory check: what the allocator does with a whole process's heap
public sealed class NativeHeapTrimTests
{
    [Fact]
    public unsafe void FreedHolesStayResidentUntilTheTrimmerHandsThemBack()
    {
        using var trimmer = NativeHeapTrimmer.Start(TimeSpan.FromHours(1)); // its timer never fires here: the test trims by hand
        Assert.NotNull(trimmer);
        trimmer.Trim();

        // Blocks below glibc's mmap threshold come from its heap; a small block kept after each
        // leaves every freed one a hole in the middle, which free() cannot give back.
        const int count = 1500, size = 48 * 1024;
        var big = new nint[count];
        var pins = new nint[count];
        for (var i = 0; i < count; i++)
        {
            big[i] = (nint)NativeMemory.Alloc(size);
            new Span<byte>((void*)big[i], size).Fill(1); // touched: resident
            pins[i] = (nint)NativeMemory.Alloc(4096); // past glibc's tcache and fastbins: carved beside the block, not from a free list elsewhere
        }

        var held = Rss();
        foreach (var p in big)
        {
            NativeMemory.Free((void*)p);
        }

        var freed = Rss();
        trimmer.Trim();
        var trimmed = Rss();
        foreach (var p in pins)
        {
            NativeMemory.Free((void*)p);
        }

        const long total = (long)count * size;
        Assert.True(held - freed < total / 2, $"free() alone gave back {(held - freed) >> 20} MB of {total >> 20} MB: the holes were not holes");
        Assert.True(freed - trimmed > total / 2, $"the trim gave back {(freed - trimmed) >> 20} MB of the {total >> 20} MB freed");
        Assert.Equal(2, trimmer.Trims);
    }

    private static long Rss()
    {
        foreach (var line in File.ReadLines("/proc/self/smaps_rollup"))
        {
            if (line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(4).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("no Rss in smaps_rollup");
    }
}
