using System.Diagnostics;
using Simulator.Core.Errors;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;
using Simulator.Core.Scenarios;

namespace Simulator.Core.Load.Scenarios;

/// <summary>
/// A scenario written as code (<see cref="Scenario.Create"/>) run as one device attempt after
/// another: one call of its session per attempt, the attempt and the session's end counted as for
/// any scenario. What the code leaves open is closed here: a session still connected when the code
/// returns is disconnected (a planned end, or a sleep when it asked for one), one the code failed
/// in is disconnected and counted as a drop under the failure's class, and code that never
/// connected fails its attempt (NoConnect, or the class of what it threw).
/// </summary>
internal sealed class CodeScenario : IDeviceScenario
{
    /// <summary>The failure class of an attempt whose code returned without connecting.</summary>
    public const string NoConnect = "NoConnect";

    private readonly ScenarioDefinition _definition;
    private readonly MqttConnector _connector;
    private readonly DelayScheduler _scheduler;
    private readonly IDeviceRecorder _recorder;
    private readonly DropNamer _drops;
    private readonly TopicTemplate _topic;
    private readonly TopicTemplate? _commandTopic;
    private readonly NrfCloudRequests? _nrfCloud;

    /// <param name="topic">The profile's device topic, rendered once per device for <see cref="DeviceInfo.Topic"/>.</param>
    /// <param name="commandTopic">The command topic while the run sends commands; null otherwise.</param>
    /// <param name="nrfCloud">nRF Cloud REST, when the target has it.</param>
    public CodeScenario(ScenarioDefinition definition, MqttConnector connector, DelayScheduler scheduler, IDeviceRecorder recorder, DropNamer drops, TopicTemplate topic, TopicTemplate? commandTopic = null, NrfCloudAccess? nrfCloud = null)
    {
        _nrfCloud = nrfCloud is null ? null : new NrfCloudRequests(nrfCloud, recorder);
        _definition = definition;
        _connector = connector;
        _scheduler = scheduler;
        _recorder = recorder;
        _drops = drops;
        _topic = topic;
        _commandTopic = commandTopic;
    }

    /// <summary>The fleet's links, told when a device connects (an outage follows its devices back).</summary>
    public LinkFleet? Links { get; init; }

    /// <summary>With a start spread, a device's first wake is a uniform draw within it, counted from its start.</summary>
    public long FirstWake(ScenarioDevice device)
    {
        if (_definition.StartSpread <= TimeSpan.Zero)
        {
            return 0;
        }

        device.WakeDue = Stopwatch.GetTimestamp() + (long)(Random.Shared.NextDouble() * _definition.StartSpread.TotalSeconds * Stopwatch.Frequency);
        return device.WakeDue;
    }

    public async Task<SessionEnd> RunAsync(ScenarioDevice d, CancellationToken stop)
    {
        var host = new CodeScenarioAttempt(_connector, _scheduler, _recorder, _drops, Links, d, _nrfCloud);
        var context = new DeviceContext(_definition.Name, d.Info ??= Describe(d), host, stop);
        Exception? error = null;
        using (stop.UnsafeRegister(static h => ((CodeScenarioAttempt)h!).Stopped(), host))
        {
            try
            {
                await _definition.Session(context).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                error = e;
            }
        }

        var last = host.Last;
        try
        {
            if (stop.IsCancellationRequested)
            {
                if (last is { Completion.IsCompleted: false })
                {
                    await last.DisconnectAsync().ConfigureAwait(false);
                }

                return SessionEnd.Planned; // the device's loop counts an open attempt as interrupted
            }

            if (host.FailedClass is { } failed)
            {
                return SessionEnd.Failed(failed); // counted where the connect failed
            }

            if (last is null && host.RequestConnectedAt != 0)
            {
                // Without a session the device was "connected" once a request succeeded: a failure now drops it.
                if (error is not null)
                {
                    _recorder.SessionDropped(ScenarioFailures.Classify(error, _recorder), "Publish", DeviceLifecycle.MillisecondsSince(host.RequestConnectedAt));
                    return SessionEnd.Lost;
                }

                return SessionEnd.Planned;
            }

            if (last is null)
            {
                var why = error is null ? NoConnect : ScenarioFailures.Classify(error, _recorder);
                d.Life.Failed(why);
                return SessionEnd.Failed(why);
            }

            if (host.NameDrop() || (error is ConnectionFailedException lost && host.NameDrop(lost)))
            {
                return SessionEnd.Lost;
            }

            if (error is not null)
            {
                _recorder.SessionDropped(ScenarioFailures.Classify(error, _recorder), last.LastSent.ToString(), DeviceLifecycle.MillisecondsSince(host.ConnectedAt));
                if (!last.Completion.IsCompleted)
                {
                    await last.DisconnectAsync().ConfigureAwait(false);
                }

                return SessionEnd.Lost;
            }

            if (!last.Completion.IsCompleted)
            {
                await last.DisconnectAsync().ConfigureAwait(false);
            }

            if (host.SleepPeriod is { } period)
            {
                // A periodic timer counts from the wake that was due, not from when the device fell asleep.
                var from = d.WakeDue != 0 ? d.WakeDue : d.AttemptDue;
                d.WakeDue = Math.Max(Stopwatch.GetTimestamp(), from + (long)(period.TotalSeconds * Stopwatch.Frequency));
                return SessionEnd.Sleep(d.WakeDue);
            }

            return SessionEnd.Planned;
        }
        finally
        {
            host.CloseHttps();
            if (last is not null)
            {
                await last.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The device as its scenario sees it, its topics rendered (once per device: kept across its sessions).</summary>
    private DeviceInfo Describe(ScenarioDevice d)
    {
        var clientId = _connector.Tokens.ClientIdOf(d.Identity);
        d.Topic ??= _topic.Utf8For(clientId);
        if (_commandTopic is { } commands)
        {
            d.CommandTopic ??= commands.Utf8For(clientId);
        }

        return new DeviceInfo(d.Identity.Index, clientId, d.Identity.Iccid, d.Identity.Imei)
        {
            Topic = _topic.For(clientId),
            CommandTopic = _commandTopic?.For(clientId),
        };
    }
}
