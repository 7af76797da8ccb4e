using System.Diagnostics;
using Simulator.Core.Load;
using Simulator.Tests.Mqtt;

namespace Simulator.Tests.Load;

/// <summary>The reusable wait between a device's publishes: due, early wakes, stale wakes, and no allocation per wait.</summary>
[Collection(nameof(AllocationCollection))]
public sealed class DeviceWaitTests
{
    private static long In(TimeSpan delay) => Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);

    [Fact]
    public async Task CompletesWhenDue()
    {
        using var scheduler = new DelayScheduler();
        var wait = new DeviceWait();
        var start = Stopwatch.GetTimestamp();
        await wait.WaitAsync(scheduler, In(TimeSpan.FromMilliseconds(60)), CancellationToken.None, null).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(Stopwatch.GetElapsedTime(start) >= TimeSpan.FromMilliseconds(55), $"woke after {Stopwatch.GetElapsedTime(start).TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task WakeEndsTheWaitEarly()
    {
        using var scheduler = new DelayScheduler();
        var wait = new DeviceWait();
        var pending = wait.WaitAsync(scheduler, In(TimeSpan.FromMinutes(5)), CancellationToken.None, null);
        Assert.False(pending.IsCompleted);
        wait.Wake();
        await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AStopOrAnEndBeforeTheWaitCompletesItAtOnce()
    {
        using var scheduler = new DelayScheduler();
        var wait = new DeviceWait();
        using var stopped = new CancellationTokenSource();
        await stopped.CancelAsync();

        // The wake came before the wait was armed, so only the check after arming can see it.
        var first = wait.WaitAsync(scheduler, In(TimeSpan.FromMinutes(5)), stopped.Token, null);
        Assert.True(first.IsCompleted);
        await first;

        var second = wait.WaitAsync(scheduler, In(TimeSpan.FromMinutes(5)), CancellationToken.None, Task.CompletedTask);
        Assert.True(second.IsCompleted);
        await second;
    }

    [Fact]
    public async Task AnEarlierWaitsDueTimeDoesNotEndALaterWait()
    {
        using var scheduler = new DelayScheduler();
        var wait = new DeviceWait();
        var first = wait.WaitAsync(scheduler, In(TimeSpan.FromMilliseconds(30)), CancellationToken.None, null);
        wait.Wake(); // woken early: its scheduled entry stays queued and fires in 30 ms
        await first;

        var second = wait.WaitAsync(scheduler, In(TimeSpan.FromMinutes(5)), CancellationToken.None, null);
        await Task.Delay(300);
        Assert.False(second.IsCompleted, "the first wait's due time woke the second");
        wait.Wake();
        await second.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ATickRunsItsFirstDueDevicesOnItsOwnThreadAndHandsTheRestToThePool()
    {
        using var scheduler = new DelayScheduler();
        const int Devices = DelayScheduler.InlinePerTick + 16;
        var waits = Enumerable.Range(0, Devices).Select(_ => new DeviceWait()).ToArray();
        _ = new StackTrace(false); // warm: a slow first walk inside the tick could let the next tick overlap it
        var due = In(TimeSpan.FromMilliseconds(50)); // the same tick for all of them

        // A continuation run by the tick has the tick's Fire below it on the stack. Only the walk
        // happens inside (tens of µs); reading it waits until after, so the tick stays short and the
        // next one cannot overlap it and take some of these with its own budget.
        static async Task<StackTrace> Stack(DelayScheduler scheduler, DeviceWait wait, long due)
        {
            await wait.WaitAsync(scheduler, due, CancellationToken.None, null).ConfigureAwait(false); // as the device awaits: no context to post to
            return new StackTrace(false);
        }

        static bool InsideTheTick(StackTrace stack) =>
            stack.GetFrames().Any(f => f.GetMethod() is { Name: "Fire" } m && m.DeclaringType == typeof(DelayScheduler));

        var stacks = await Task.WhenAll(waits.Select(w => Stack(scheduler, w, due))).WaitAsync(TimeSpan.FromSeconds(10));
        var inside = stacks.Select(InsideTheTick).ToArray();
        Assert.Equal(DelayScheduler.InlinePerTick, inside.Count(x => x));
    }

    [Fact]
    public async Task AnEarlyWakeDoesNotRunTheDeviceOnTheWakersThread()
    {
        using var scheduler = new DelayScheduler();
        var wait = new DeviceWait();
        var waker = 0;

        async Task<int> Waiting()
        {
            await wait.WaitAsync(scheduler, In(TimeSpan.FromMinutes(5)), CancellationToken.None, null).ConfigureAwait(false);
            return Environment.CurrentManagedThreadId;
        }

        var pending = Waiting();
        var thread = new Thread(() =>
        {
            waker = Environment.CurrentManagedThreadId;
            wait.Wake();
            Thread.Sleep(200); // the device would run here, now, if the wake ran it inline
        });
        thread.Start();
        var ranOn = await pending.WaitAsync(TimeSpan.FromSeconds(10));
        thread.Join();
        Assert.NotEqual(waker, ranOn);
    }

    [Fact]
    public async Task WaitingAllocatesNothingPerWait()
    {
        using var scheduler = new DelayScheduler();
        var waits = Enumerable.Range(0, 200).Select(_ => new DeviceWait()).ToArray();

        static async Task Loop(DelayScheduler scheduler, DeviceWait wait, int count)
        {
            for (var i = 0; i < count; i++)
            {
                await wait.WaitAsync(scheduler, In(TimeSpan.FromMilliseconds(1)), CancellationToken.None, null);
            }
        }

        async Task<long> Allocated(int count)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            await Task.WhenAll(waits.Select(w => Loop(scheduler, w, count)));
            return GC.GetTotalAllocatedBytes(precise: true) - before;
        }

        await Allocated(20); // warm-up: JIT, the scheduler's queue grows to its size

        // The slope between a short and a long run cancels what each run allocates once (its tasks);
        // the best of three leaves out the test runner's own stray allocations.
        var best = double.MaxValue;
        for (var round = 0; round < 3 && best > 0; round++)
        {
            var shortRun = await Allocated(5);
            var longRun = await Allocated(45);
            best = Math.Min(best, (longRun - shortRun) / (double)(waits.Length * 40));
        }

        Assert.True(best < 1.0, $"{best:F1} bytes allocated per wait");
    }
}
