using System.Diagnostics;
using System.Threading.Channels;
using Simulator.Core.Identity;
using Simulator.Core.Metrics;

namespace Simulator.Core.Load;

/// <summary>
/// The load scheduler, which knows nothing of hosting: it follows the plan's target device count,
/// starting devices as the ramp allows and stopping the newest when the plan goes down, and writes
/// one <see cref="SecondRow"/> per second to a channel (the console reads it) and to the outcome.
/// Cancellation stops every device gracefully; the outcome is still complete.
/// </summary>
public sealed class LoadEngine
{
    private readonly LoadContext _ctx;
    private readonly IReadOnlyList<DeviceIdentity> _devices;
    private readonly LoadPlan _plan;

    public LoadEngine(LoadContext ctx, IReadOnlyList<DeviceIdentity> devices)
    {
        _ctx = ctx;
        _devices = devices;
        _plan = new LoadPlan(ctx.Profile.Phases);
    }

    public LoadPlan Plan => _plan;

    public Channel<SecondRow> Rows { get; } = Channel.CreateUnbounded<SecondRow>(new UnboundedChannelOptions { SingleWriter = true });

    public async Task<RunOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var running = new List<(VirtualDevice Device, CancellationTokenSource Stop, Task Task)>();
        var rows = new List<SecondRow>();
        var next = 0;
        var second = 0;
        long peak = 0;
        var cancelled = false;
        try
        {
            while (clock.Elapsed.TotalSeconds < _plan.TotalSeconds)
            {
                var target = Math.Min(_plan.TargetAt(clock.Elapsed.TotalSeconds), _devices.Count);
                while (running.Count < target)
                {
                    var device = new VirtualDevice(_ctx, _devices[next % _devices.Count]);
                    next++;
                    var stop = new CancellationTokenSource();
                    running.Add((device, stop, Task.Run(() => device.RunAsync(stop.Token), CancellationToken.None)));
                }

                while (running.Count > target)
                {
                    var last = running[^1];
                    running.RemoveAt(running.Count - 1);
                    last.Stop.Cancel();
                    _ = last.Task.ContinueWith(_ => last.Stop.Dispose(), TaskScheduler.Default);
                }

                if (clock.Elapsed.TotalSeconds >= second + 1)
                {
                    second++;
                    var row = Sample(second, target);
                    peak = Math.Max(peak, row.Connected);
                    rows.Add(row);
                    Rows.Writer.TryWrite(row);
                }

                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }

        // Stop everyone, wait for clean disconnects, and take a last sample of the empty fleet.
        foreach (var (_, stop, _) in running)
        {
            stop.Cancel();
        }

        await Task.WhenAny(Task.WhenAll(running.Select(r => r.Task)), Task.Delay(TimeSpan.FromSeconds(15), CancellationToken.None)).ConfigureAwait(false);
        foreach (var (_, stop, _) in running)
        {
            stop.Dispose();
        }

        var final = Sample(second + 1, 0);
        rows.Add(final);
        Rows.Writer.TryWrite(final);
        Rows.Writer.TryComplete();
        return new RunOutcome(started, clock.Elapsed.TotalSeconds, rows, cancelled, _plan.PeakDevices, peak);
    }

    private SecondRow Sample(int second, int target)
    {
        var s = _ctx.Metrics.TakeSecond();
        var g = _ctx.Gauges.Snapshot();
        return new SecondRow(
            second,
            _plan.PhaseAt(second),
            target,
            g.Devices,
            g.Connecting,
            g.Connected,
            g.BackingOff,
            g.GivenUp,
            g.Devices == g.Connecting + g.Connected + g.BackingOff + g.GivenUp,
            s.ConnectsOk,
            s.ConnectsFailed,
            s.Publishes,
            s.PubAcks,
            s.Received,
            s.Drops,
            s.Connect.Count == 0 ? double.NaN : s.Connect.Percentile(50) / 1000.0,
            s.Connect.Count == 0 ? double.NaN : s.Connect.Percentile(99) / 1000.0,
            s.Errors);
    }
}
