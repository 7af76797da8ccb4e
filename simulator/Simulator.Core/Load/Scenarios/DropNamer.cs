using Simulator.Core.Errors;
using Simulator.Core.Metrics;
using Simulator.Core.Mqtt.Client;

namespace Simulator.Core.Load.Scenarios;

/// <summary>Names the sessions a device lost, the same way for every MQTT scenario. Stateless past its settings: one serves a run.</summary>
internal sealed class DropNamer(IDeviceRecorder recorder, TimeSpan? sessionLifetime)
{
    private readonly IDeviceRecorder _recorder = recorder;
    private readonly TimeSpan? _sessionLifetime = sessionLifetime;

    /// <summary>
    /// Names a lost session by what happened: a server close when the session reached the target's
    /// known lifetime (disconnectAfterInSeconds) is SessionExpired, whatever the client last sent;
    /// any other server close is named once the fleet's view is in (TargetClosedAll in an outage).
    /// </summary>
    public void Dropped(ConnectionFailedException? reason, MqttClientConnection connection, long connectedAt, ScenarioDevice d)
    {
        var age = DeviceLifecycle.MillisecondsSince(connectedAt);
        if (d.Link is { IsDown: true })
        {
            _recorder.SessionDropped("LinkOutage", connection.LastSent.ToString(), age); // the radio went down: the device's modem says so
            return;
        }

        var kind = reason?.Kind;
        var serverClose = kind is FailureKind.ClosedByServer or FailureKind.ClosedAfterPublish or FailureKind.ClosedAfterSubscribe;
        if (serverClose && _sessionLifetime is { } lifetime && age >= (lifetime.TotalMilliseconds - 1500))
        {
            _recorder.SessionDropped("SessionExpired", connection.LastSent.ToString(), age);
        }
        else if (serverClose)
        {
            _recorder.ServerClosed(reason!.FailureClass, connection.LastSent.ToString(), age);
        }
        else
        {
            _recorder.SessionDropped(reason?.FailureClass ?? "Closed", connection.LastSent.ToString(), age);
        }
    }
}
