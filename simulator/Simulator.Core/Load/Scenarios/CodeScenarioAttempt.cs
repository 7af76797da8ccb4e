using System.Diagnostics;
using Simulator.Core.Errors;
using Simulator.Core.Metrics;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Scenarios;

namespace Simulator.Core.Load.Scenarios;

/// <summary>One attempt's host: its connects (each an attempt of its own after the first), its waits, its recorder.</summary>
internal sealed class CodeScenarioAttempt(MqttConnector connector, DelayScheduler scheduler, IDeviceRecorder recorder, DropNamer drops, LinkFleet? links, ScenarioDevice d) : IScenarioHost
{
    private bool _dropNamed;

    public IDeviceRecorder Recorder => recorder;

    public long ConnectedAt { get; private set; }

    /// <summary>The last connection that came up, if any.</summary>
    public MqttClientConnection? Last { get; private set; }

    /// <summary>The class of the last connect's failure, when the last connect failed.</summary>
    public string? FailedClass { get; private set; }

    public async Task<MqttClientConnection> ConnectAsync(MqttMessageHandler onMessage, CancellationToken stop)
    {
        if (Last is not null || FailedClass is not null)
        {
            // A second connect in one session: the earlier session's loss is named first, then a new attempt opens.
            NameDrop();
            if (Last is { } earlier)
            {
                await earlier.DisposeAsync().ConfigureAwait(false);
                Last = null;
            }

            d.Life.Move(DeviceState.Connecting);
            d.Life.AttemptStarted();
            d.AttemptDue = Stopwatch.GetTimestamp();
        }

        MqttClientConnection connection;
        try
        {
            connection = await connector.ConnectAsync(d, onMessage, stop).ConfigureAwait(false);
        }
        catch (AttemptFailedException e)
        {
            Fail(e.FailureClass);
            throw;
        }
        catch (ConnectionFailedException e) when (!stop.IsCancellationRequested)
        {
            Fail(e.FailureClass);
            throw;
        }

        FailedClass = null;
        _dropNamed = false;
        Last = connection;
        ConnectedAt = d.Connected();
        links?.Connected(d.Identity.Index);
        return connection;
    }

    public Task DelayAsync(TimeSpan delay, CancellationToken stop) => scheduler.Delay(delay, stop);

    /// <summary>Names the last session's loss once, if the server or the link ended it; true when it did.</summary>
    public bool NameDrop()
    {
        if (_dropNamed || Last is not { } last || !last.Completion.IsCompletedSuccessfully || last.Completion.Result is not { } reason)
        {
            return false;
        }

        _dropNamed = true;
        drops.Dropped(reason, last, ConnectedAt, d);
        return true;
    }

    private void Fail(string failureClass)
    {
        FailedClass = failureClass;
        d.Life.Failed(failureClass);
    }
}
