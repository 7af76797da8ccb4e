using System.Diagnostics;
using Simulator.Core.Identity;
using Simulator.Core.Metrics;

namespace Simulator.Core.Load;

/// <summary>
/// Owns every device task of a run. A device is started with an identity from the pool, observed
/// until its task ends, and its identity returned only then. An exception that escapes a device is
/// counted (<c>Unexpected:&lt;Type&gt;</c>, as a failed attempt if one was open) and the device is
/// recorded as crashed: nothing vanishes. State transitions and attempt openings go through one
/// lock, so <see cref="Census"/> sees a consistent fleet, and attempt outcomes are counted apart
/// (in <see cref="RunMetrics"/>), so the census can catch an attempt that was lost.
/// </summary>
internal sealed class DeviceSupervisor
{
    private readonly Func<DeviceIdentity, ISupervisedDevice> _factory;
    private readonly IdentityPool _pool;
    private readonly Lock _gate = new();
    private readonly HashSet<DeviceLifecycle> _live = [];
    private readonly List<DeviceLifecycle> _running = [];
    private readonly long[] _states = new long[Enum.GetValues<DeviceState>().Length];
    private long _serial;
    private long _attemptsStarted;
    private long _started;
    private long _ended;
    private long _crashed;

    public DeviceSupervisor(RunMetrics metrics, IdentityPool pool, Func<DeviceIdentity, ISupervisedDevice> factory)
    {
        Metrics = metrics;
        _pool = pool;
        _factory = factory;
    }

    public RunMetrics Metrics { get; }

    public IdentityPool Pool => _pool;

    /// <summary>Devices running and not asked to stop.</summary>
    public int Running
    {
        get
        {
            lock (_gate)
            {
                return _running.Count;
            }
        }
    }

    /// <summary>Starts a device with a free identity; false when every identity is lent to a live device.</summary>
    public bool TryStart(long intendedStart, bool visit = false)
    {
        if (!_pool.TryTake(out var identity))
        {
            return false;
        }

        ISupervisedDevice device;
        DeviceLifecycle life;
        lock (_gate)
        {
            life = new DeviceLifecycle(this, identity, intendedStart, ++_serial) { IsVisit = visit };
            _live.Add(life);
            if (!visit)
            {
                // A visit leaves by itself; ramp-downs stop only the standing fleet.
                _running.Add(life);
            }

            _states[(int)DeviceState.Connecting]++;
            _started++;
        }

        try
        {
            device = _factory(identity);
        }
        catch (Exception e)
        {
            // A device that cannot even be built is counted like one that crashed.
            life.Task = Task.CompletedTask;
            Finish(life, e);
            return true;
        }

        life.Task = Task.Run(() => RunObservedAsync(life, device), CancellationToken.None);
        return true;
    }

    /// <summary>Asks the most recently started running device to stop; its identity returns when its task ends.</summary>
    public bool StopNewest()
    {
        DeviceLifecycle? life;
        lock (_gate)
        {
            if (_running.Count == 0)
            {
                return false;
            }

            life = _running[^1];
            _running.RemoveAt(_running.Count - 1);
        }

        try
        {
            life.Stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It ended in the meantime.
        }

        return true;
    }

    /// <summary>Stops every device and waits up to <paramref name="grace"/>; returns how many had not ended by then.</summary>
    public async Task<int> StopAllAsync(TimeSpan grace)
    {
        DeviceLifecycle[] all;
        lock (_gate)
        {
            all = [.. _live];
            _running.Clear();
        }

        foreach (var life in all)
        {
            try
            {
                life.Stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Ended in the meantime.
            }
        }

        var tasks = all.Select(l => l.Task ?? Task.CompletedTask).ToArray();
        await Task.WhenAny(Task.WhenAll(tasks), Task.Delay(grace)).ConfigureAwait(false);
        lock (_gate)
        {
            return _live.Count;
        }
    }

    internal void Move(DeviceLifecycle life, DeviceState to)
    {
        lock (_gate)
        {
            if (life.State == to)
            {
                return;
            }

            if (!DeviceTransitions.IsAllowed(life.State, to))
            {
                throw new InvalidOperationException($"a device moved {life.State} -> {to}, which DeviceTransitions does not allow");
            }

            _states[(int)life.State]--;
            _states[(int)to]++;
            life.State = to;
        }
    }

    internal void AttemptStarted()
    {
        lock (_gate)
        {
            _attemptsStarted++;
        }
    }

    /// <summary>A consistent view of the fleet, with the checks that can fail.</summary>
    public FleetCensus Census()
    {
        lock (_gate)
        {
            // Outcomes are read inside the lock: no attempt can open meanwhile, and each outcome
            // seen belongs to an attempt opened before, so started − ended ≥ 0 unless one is
            // counted twice, and the attempts still open must all belong to connecting devices.
            var ended = Metrics.AttemptOutcomes;
            var states = (long[])_states.Clone();
            var census = new long[states.Length];
            foreach (var life in _live)
            {
                census[(int)life.State]++;
            }

            return new FleetCensus(
                Live: _live.Count,
                Connecting: states[(int)DeviceState.Connecting],
                Connected: states[(int)DeviceState.Connected],
                BackingOff: states[(int)DeviceState.BackingOff],
                GivenUp: states[(int)DeviceState.GivenUp],
                StatesMatchDevices: census.AsSpan().SequenceEqual(states),
                AttemptsStarted: _attemptsStarted,
                AttemptsEnded: ended,
                DevicesStarted: _started,
                DevicesEnded: _ended,
                DevicesCrashed: _crashed,
                Sleeping: states[(int)DeviceState.Sleeping]);
        }
    }

    private async Task RunObservedAsync(DeviceLifecycle life, ISupervisedDevice device)
    {
        life.ActualStart = Stopwatch.GetTimestamp();
        Metrics.Record(Phase.ScheduleLag, Stopwatch.GetElapsedTime(life.IntendedStart, life.ActualStart).TotalMilliseconds);
        Exception? crash = null;
        try
        {
            await device.RunAsync(life, life.Stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (life.Stop.IsCancellationRequested)
        {
            life.Interrupted();
        }
        catch (Exception e)
        {
            crash = e;
        }

        Finish(life, crash);
    }

    private void Finish(DeviceLifecycle life, Exception? crash)
    {
        if (crash is not null)
        {
            var failureClass = Metrics.Unexpected(crash);
            if (life.AttemptOpen)
            {
                life.Failed(failureClass);
            }

            Metrics.DeviceCrashed(failureClass);
        }
        else if (life.AttemptOpen && life.Stop.IsCancellationRequested)
        {
            life.Interrupted();
        }

        lock (_gate)
        {
            _states[(int)life.State]--;
            _live.Remove(life);
            _running.Remove(life);
            if (crash is null)
            {
                _ended++;
            }
            else
            {
                _crashed++;
            }
        }

        _pool.Return(life.Identity);
        life.Stop.Dispose();
    }
}
