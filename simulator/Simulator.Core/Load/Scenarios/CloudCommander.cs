using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;

namespace Simulator.Core.Load.Scenarios;

/// <summary>
/// A backend that sends cloud-to-device commands at the profile's rate, each to the next connected
/// device in turn: its command topic, a body of the command's number and the Stopwatch timestamp of
/// its PUBLISH (the devices run in this process, so they time it on the same clock). Sent commands
/// are counted when the target took them (QoS 1: its PUBACK); received ones by the devices.
/// </summary>
internal sealed class CloudCommander : IAsyncDisposable
{
    private readonly MqttClientConnection _connection;
    private readonly CommandSettings _settings;
    private readonly TopicTemplate _topic;
    private readonly DeviceDirectory _directory;
    private readonly CommandTally _tally;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private CloudCommander(MqttClientConnection connection, CommandSettings settings, DeviceDirectory directory, CommandTally tally)
    {
        _connection = connection;
        _settings = settings;
        _topic = TopicTemplate.Parse(settings.Topic);
        _directory = directory;
        _tally = tally;
    }

    /// <exception cref="Errors.ConnectionFailedException">The backend could not connect.</exception>
    public static async Task<CloudCommander> StartAsync(CommandSettings settings, DeviceDirectory directory, CommandTally tally, (TransportOptions Transport, MqttClientOptions Options) connect, CancellationToken cancellationToken)
    {
        var connection = await MqttClientConnection.ConnectAsync(connect.Transport, connect.Options, cancellationToken).ConfigureAwait(false);
        var commander = new CloudCommander(connection, settings, directory, tally);
        commander._loop = Task.Run(commander.SendAsync, CancellationToken.None);
        return commander;
    }

    /// <summary>No more commands (the plan's last hold is over); those in flight still count.</summary>
    public void Stop() => _stop.Cancel();

    /// <summary>Stops, then waits until no command has arrived for half a second (at most <paramref name="limit"/>).</summary>
    public async Task FinishAsync(TimeSpan limit)
    {
        Stop();
        await _loop.ConfigureAwait(false);
        await Quiet.UntilAsync(() => _tally.Received, limit).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        Stop();
        await _loop.ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task SendAsync()
    {
        var body = new byte[16];
        var qos = (MqttQos)_settings.Qos;
        var started = 0L; // the rate's clock starts with the first connected device
        var paced = 0L; // commands the rate has asked for so far, sent or not
        var devices = Array.Empty<KeyValuePair<string, ScenarioDevice>>();
        var refreshed = 0L;
        var next = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (started == 0)
                {
                    devices = _directory.Snapshot();
                    refreshed = Stopwatch.GetTimestamp();
                    var probe = 0;
                    if (NextConnected(devices, ref probe) is null)
                    {
                        await Task.Delay(10, _stop.Token).ConfigureAwait(false);
                        continue;
                    }

                    started = Stopwatch.GetTimestamp();
                }

                // As many as the rate owes by now: a late wake catches up rather than lowering the rate.
                var owed = (long)(Stopwatch.GetElapsedTime(started).TotalSeconds * _settings.RatePerSecond) - paced;
                if (owed <= 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Clamp(1000 / _settings.RatePerSecond, 1, 100)), _stop.Token).ConfigureAwait(false);
                    continue;
                }

                if (Stopwatch.GetElapsedTime(refreshed).TotalSeconds >= 1)
                {
                    devices = _directory.Snapshot();
                    refreshed = Stopwatch.GetTimestamp();
                }

                for (; owed > 0 && !_stop.IsCancellationRequested; owed--)
                {
                    paced++;
                    var target = NextConnected(devices, ref next);
                    if (target is not { } device)
                    {
                        continue; // none connected now: this one is not owed to anybody
                    }

                    BinaryPrimitives.WriteInt64LittleEndian(body, paced);
                    BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(8), Stopwatch.GetTimestamp());
                    await _connection.PublishAsync(_topic.Utf8For(device), body, qos).ConfigureAwait(false);
                    _tally.CountSent();
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // stopped
        }
        catch (Errors.ConnectionFailedException)
        {
            // The backend's connection ended: the commands stop, and the figures say how many went.
        }
    }

    private static string? NextConnected(KeyValuePair<string, ScenarioDevice>[] devices, ref int next)
    {
        if (next >= devices.Length)
        {
            next = 0; // the fleet shrank since the last look
        }

        for (var tried = 0; tried < devices.Length; tried++)
        {
            var (clientId, device) = devices[next];
            next = (next + 1) % devices.Length;
            if (device.Life.State == DeviceState.Connected)
            {
                return clientId;
            }
        }

        return null;
    }
}
