using Simulator.Core.Errors;
using Simulator.Core.Metrics;
using Simulator.Core.Scenarios;

namespace Simulator.Core.Load.Scenarios;

/// <summary>
/// A scenario written as code (<see cref="Scenario.Create"/>) run as the engine runs its own: one
/// call of its session per attempt, the attempt and the session's end counted as for any scenario.
/// What the code leaves open is closed here: a session still connected when the code returns is
/// disconnected (a planned end), one the code failed in is disconnected and counted as a drop under
/// the failure's class, and code that never connected fails its attempt (NoConnect, or the class of
/// what it threw).
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

    public CodeScenario(ScenarioDefinition definition, MqttConnector connector, DelayScheduler scheduler, IDeviceRecorder recorder, DropNamer drops)
    {
        _definition = definition;
        _connector = connector;
        _scheduler = scheduler;
        _recorder = recorder;
        _drops = drops;
    }

    /// <summary>The fleet's links, told when a device connects (an outage follows its devices back).</summary>
    public LinkFleet? Links { get; init; }

    public async Task<SessionEnd> RunAsync(ScenarioDevice d, CancellationToken stop)
    {
        var host = new CodeScenarioAttempt(_connector, _scheduler, _recorder, _drops, Links, d);
        var info = new DeviceInfo(d.Identity.Index, _connector.Tokens.ClientIdOf(d.Identity), d.Identity.Iccid, d.Identity.Imei);
        var context = new DeviceContext(_definition.Name, info, host, stop);
        Exception? error = null;
        try
        {
            await _definition.Session(context).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error = e;
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

            if (last is null)
            {
                var why = error is null ? NoConnect : ScenarioFailures.Classify(error, _recorder);
                d.Life.Failed(why);
                return SessionEnd.Failed(why);
            }

            if (host.NameDrop())
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

            return SessionEnd.Planned;
        }
        finally
        {
            if (last is not null)
            {
                await last.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
