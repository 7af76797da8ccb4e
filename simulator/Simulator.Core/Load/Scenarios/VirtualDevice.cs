using System.Diagnostics;
using Simulator.Core.Errors;
using Simulator.Core.Identity;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;
using Simulator.Core.Payloads;

namespace Simulator.Core.Load.Scenarios;

/// <summary>
/// One virtual nRF9160's life as a state machine: each attempt runs the run's scenario
/// (<see cref="IDeviceScenario"/>: MQTT telemetry, HTTPS publish, nRF Cloud location), and on a
/// loss or a failure the device reconnects with exponential backoff and full jitter, giving up
/// after the configured attempts; the moves are the ones <see cref="DeviceTransitions"/> allows.
/// Every attempt is opened on the device's <see cref="DeviceLifecycle"/> and ends as a success, a
/// named failure (<c>Unexpected:&lt;Type&gt;</c> for an exception nobody named), or an
/// interruption by the run's stop. Latency counts from when the attempt was due.
/// </summary>
internal sealed class VirtualDevice : ISupervisedDevice
{
    private readonly DeviceIdentity _identity;
    private readonly IDeviceScenario _scenario;
    private readonly ReconnectPolicy _reconnect;
    private readonly DelayScheduler _scheduler;
    private readonly IDeviceRecorder _recorder;

    private readonly LinkFleet? _links;
    private readonly PayloadFormat _payload;
    private readonly Action<ScenarioDevice>? _started;

    /// <param name="scenario">The run's scenario, shared by its devices; what this device keeps between attempts is its own <see cref="ScenarioDevice"/>.</param>
    /// <param name="payload">What the device's messages carry; null: telemetry JSON.</param>
    /// <param name="started">Told of the device's state when it starts (backend consumers find it there); null: nobody.</param>
    public VirtualDevice(DeviceIdentity identity, IDeviceScenario scenario, ReconnectPolicy reconnect, DelayScheduler scheduler, IDeviceRecorder recorder, LinkFleet? links = null, PayloadFormat? payload = null, Action<ScenarioDevice>? started = null)
    {
        _started = started;
        _payload = payload ?? PayloadFormat.Telemetry;
        _links = links;
        _identity = identity;
        _scenario = scenario;
        _reconnect = reconnect;
        _scheduler = scheduler;
        _recorder = recorder;
    }

    public DeviceIdentity Identity => _identity;

    public async Task RunAsync(DeviceLifecycle life, CancellationToken stop)
    {
        var device = new ScenarioDevice(_identity, life, _payload) { Link = _links?.For(_identity.Index) };
        _started?.Invoke(device);
        var failures = 0;
        var reconnect = _reconnect;
        if (_scenario.FirstWake(device) is > 0 and var firstWake && !await SleepAsync(device, firstWake, life, stop).ConfigureAwait(false))
        {
            return;
        }

        while (!stop.IsCancellationRequested)
        {
            if (device.Link is { IsDown: true } && !await WaitForLinkAsync(device, reconnect, life, stop).ConfigureAwait(false))
            {
                break;
            }

            life.Move(DeviceState.Connecting);
            _links?.Attempted(_identity.Index);
            life.AttemptStarted();
            SessionEnd end;
            try
            {
                end = await _scenario.RunAsync(device, stop).ConfigureAwait(false);
            }
            catch (Exception e) when (stop.IsCancellationRequested && e is OperationCanceledException or ConnectionFailedException or ObjectDisposedException)
            {
                life.Interrupted();
                break;
            }
            catch (Exception e)
            {
                // Nobody named this one: count it where it happened, keep the device alive.
                var failureClass = _recorder.Unexpected(e);
                if (life.AttemptOpen)
                {
                    life.Failed(failureClass);
                    end = SessionEnd.Failed(failureClass);
                }
                else
                {
                    _recorder.SessionDropped(failureClass);
                    end = SessionEnd.Lost;
                }
            }

            if (stop.IsCancellationRequested)
            {
                life.Interrupted();
                break;
            }

            if (life.IsVisit)
            {
                return; // one attempt and its session, whatever the outcome: the offered rate stays the plan's
            }

            if (end.Kind == SessionEndKind.Sleep)
            {
                failures = 0;
                if (!await SleepAsync(device, end.WakeAt, life, stop).ConfigureAwait(false))
                {
                    break;
                }

                continue;
            }

            if (end.Kind == SessionEndKind.Planned)
            {
                failures = 0; // a session ended as planned (session length): reconnect at once
                device.AttemptDue = Stopwatch.GetTimestamp();
                continue;
            }

            if (end.Kind == SessionEndKind.Lost)
            {
                failures = 0;
            }
            else if (++failures >= reconnect.MaxAttempts)
            {
                life.Move(DeviceState.GivenUp);
                await WaitForStopAsync(stop).ConfigureAwait(false);
                return;
            }

            life.Move(DeviceState.BackingOff);
            if (device.Link is { IsDown: true })
            {
                continue; // the backoff starts once the radio is back
            }

            var delay = Backoff.For(reconnect, Math.Max(failures, 1), Random.Shared);
            device.AttemptDue = Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);
            try
            {
                await _scheduler.Delay(delay, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>
    /// The modem is not registered: the device waits for its link, then for its start timer and its
    /// first backoff, as firmware waits for the network before it reconnects. False on the run's stop.
    /// </summary>
    private async Task<bool> WaitForLinkAsync(ScenarioDevice device, ReconnectPolicy reconnect, DeviceLifecycle life, CancellationToken stop)
    {
        life.Move(DeviceState.BackingOff);
        try
        {
            while (device.Link is { IsDown: true } link)
            {
                await _scheduler.Delay(Stopwatch.GetElapsedTime(0, link.DownUntil) - Stopwatch.GetElapsedTime(0), stop).ConfigureAwait(false);
            }

            var delay = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * reconnect.StartTimerMilliseconds) + Backoff.For(reconnect, 1, Random.Shared);
            device.AttemptDue = Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);
            await _scheduler.Delay(delay, stop).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Sleeps until <paramref name="wakeAt"/> and wakes: the wake's attempt counts its latency from when it was due. False on the run's stop.</summary>
    private async Task<bool> SleepAsync(ScenarioDevice device, long wakeAt, DeviceLifecycle life, CancellationToken stop)
    {
        life.Move(DeviceState.Sleeping);
        try
        {
            await _scheduler.Delay(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), wakeAt), stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        device.AttemptDue = wakeAt;
        _recorder.Woke();
        return !stop.IsCancellationRequested;
    }

    private static async Task WaitForStopAsync(CancellationToken stop)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
