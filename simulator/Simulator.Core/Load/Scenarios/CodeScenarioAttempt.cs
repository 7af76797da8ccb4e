using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Simulator.Core.CustomAuth;
using Simulator.Core.Errors;
using Simulator.Core.Metrics;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Scenarios;
using Simulator.Core.Transport;

namespace Simulator.Core.Load.Scenarios;

/// <summary>
/// One attempt's host: its connects (each an attempt of its own after the first), its waits, its
/// recorder, and the device's messages. Its device's loop calls it one call at a time, except
/// <see cref="TakeOwn"/>, which the connection's receive path calls.
/// </summary>
internal sealed class CodeScenarioAttempt(MqttConnector connector, DelayScheduler scheduler, IDeviceRecorder recorder, DropNamer drops, LinkFleet? links, ScenarioDevice d, NrfCloudRequests? nrfCloud = null) : IScenarioHost
{
    private bool _dropNamed;
    private HttpsPublisher? _https;
    private CustomAuthCredentials? _credentials;

    public IDeviceRecorder Recorder => recorder;

    public bool IsVisit => d.Life.IsVisit;

    public byte[]? DeviceTopic => d.Topic;

    public long ConnectedAt { get; private set; }

    /// <summary>The last connection that came up, if any.</summary>
    public MqttClientConnection? Last { get; private set; }

    /// <summary>The class of the last connect's failure, when the last connect failed.</summary>
    public string? FailedClass { get; private set; }

    /// <summary>When the device's first request without a session (an HTTPS publish, an nRF Cloud call) succeeded, a Stopwatch timestamp; 0 before.</summary>
    public long RequestConnectedAt { get; private set; }

    public bool HasNrfCloud => nrfCloud is not null;

    /// <summary>The sleep the scenario asked for (<see cref="DeviceContext.Sleep"/>), if any.</summary>
    public TimeSpan? SleepPeriod { get; private set; }

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

        // The device's wait is woken when the connection ends (once per session, not per wait).
        _ = connection.Completion.ContinueWith(static (_, w) => ((DeviceWait)w!).Wake(), d.Wait, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return connection;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WaitAsync(TimeSpan delay, Task? ended, CancellationToken stop)
    {
        var due = Due(delay);
        do
        {
            await d.Wait.WaitAsync(scheduler, due, stop, ended).ConfigureAwait(false);
        }
        while (!stop.IsCancellationRequested && ended?.IsCompleted != true && Stopwatch.GetTimestamp() < due);
    }

    public ValueTask PublishNextAsync(MqttClientConnection connection, byte[] topic, MqttQos qos) =>
        d.NextPublish.TryStart(connection, topic, qos, recorder, out var publish) ? publish : PublishNextBesideAsync(connection, topic, qos);

    /// <summary>A publish beside one already in flight (a scenario publishing concurrently): the same, as a pooled async method.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask PublishNextBesideAsync(MqttClientConnection connection, byte[] topic, MqttQos qos)
    {
        var t0 = Stopwatch.GetTimestamp();
        using (var message = d.NextMessage(t0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()))
        {
            await connection.PublishAsync(topic, message.Body, qos).ConfigureAwait(false);
            d.Acknowledged(message.Sequence); // its PUBACK came (QoS 1), or it was sent (QoS 0): a backend should get it
        }

        recorder.Published();
        if (qos == MqttQos.AtLeastOnce)
        {
            recorder.PubAcked(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
    }

    public bool TakeOwn(in PublishPacket message)
    {
        if (d.CommandTopic is { } commandTopic && IsTopic(message.Topic, commandTopic))
        {
            // A command: 8 bytes of its number, 8 of the backend's Stopwatch timestamp at its PUBLISH (one process, one clock).
            if (message.Payload.Length == 16)
            {
                Span<byte> body = stackalloc byte[16];
                message.Payload.CopyTo(body);
                recorder.CommandReceived(Stopwatch.GetElapsedTime(BinaryPrimitives.ReadInt64LittleEndian(body[8..])).TotalMilliseconds);
            }

            return true;
        }

        if (d.Sequence == 0)
        {
            return false; // the device has sent nothing of its own that could come back
        }

        if (d.TryOwnMessage(message.Payload, out var seq, out var sentAt, out var duplicate))
        {
            recorder.ReceivedOwn(Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds);
            d.Received(seq);
            if (d.DownlinkWanted)
            {
                d.Wait.Wake(); // a wake waiting for its downlink goes on
            }

            return true;
        }

        return duplicate; // a second delivery of one already back is not another message
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> WaitForDownlinkAsync(TimeSpan within, Task ended, CancellationToken stop)
    {
        var last = d.Sequence;
        var until = Due(within);
        d.DownlinkWanted = true;
        try
        {
            while (d.LastReceived < last && !stop.IsCancellationRequested && !ended.IsCompleted && Stopwatch.GetTimestamp() < until)
            {
                await d.Wait.WaitAsync(scheduler, until, stop, ended).ConfigureAwait(false);
            }
        }
        finally
        {
            d.DownlinkWanted = false;
        }

        if (d.LastReceived >= last)
        {
            return true;
        }

        if (!stop.IsCancellationRequested && !ended.IsCompleted)
        {
            recorder.DownlinkMissed();
        }

        return false;
    }

    public void Sleep(TimeSpan period) => SleepPeriod = period;

    public async Task OpenHttpsAsync(CancellationToken stop)
    {
        try
        {
            _credentials = await connector.CredentialsAsync(d, stop).ConfigureAwait(false);
        }
        catch (AttemptFailedException e)
        {
            Fail(e.FailureClass);
            throw;
        }

        _https?.Dispose();
        _https = connector.Https(d);
    }

    public async Task HttpsPublishAsync(string topic, ReadOnlyMemory<byte>? payload, MqttQos qos, CancellationToken stop)
    {
        var https = _https ?? throw new InvalidOperationException("HTTPS is not open: OpenHttpsAsync first");
        var clientId = connector.Tokens.ClientIdOf(d.Identity); // as the 1NCE seed's curl example sends it
        var t0 = Stopwatch.GetTimestamp();
        HttpsPublishResult result;
        if (payload is { } body)
        {
            result = await https.PublishAsync(topic, body, (int)qos, _credentials, connector.Placement, stop, clientId).ConfigureAwait(false);
        }
        else
        {
            using var message = d.NextMessage(t0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            result = await https.PublishAsync(topic, message.Body, (int)qos, _credentials, connector.Placement, stop, clientId).ConfigureAwait(false);
            if (result.IsSuccess)
            {
                d.Acknowledged(message.Sequence); // accepted: a backend should get it
            }
        }

        if (!result.IsSuccess)
        {
            throw new StepFailedException($"Http{result.StatusCode}", $"the HTTPS publish was refused with {result.StatusCode}");
        }

        recorder.Record(Phase.HttpPublish, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        recorder.Published();
        RequestSucceeded();
    }

    public async Task<long> AgnssAsync(CellInfo cell, CancellationToken stop)
    {
        var requests = nrfCloud ?? throw new InvalidOperationException("the target has no nRF Cloud REST endpoint");
        var received = await requests.AgnssAsync(await TokenAsync(stop).ConfigureAwait(false), cell, stop).ConfigureAwait(false);
        RequestSucceeded();
        return received;
    }

    public async Task GroundFixAsync(CellInfo cell, CancellationToken stop)
    {
        var requests = nrfCloud ?? throw new InvalidOperationException("the target has no nRF Cloud REST endpoint");
        await requests.GroundFixAsync(await TokenAsync(stop).ConfigureAwait(false), cell, stop).ConfigureAwait(false);
        RequestSucceeded();
    }

    public void CloseHttps()
    {
        _https?.Dispose();
        _https = null;
    }

    /// <summary>Names the last session's loss once, if the server or the link ended it; true when it did.</summary>
    public bool NameDrop()
    {
        if (_dropNamed || Last is not { } last || !last.Completion.IsCompletedSuccessfully || last.Completion.Result is not { } reason)
        {
            return false;
        }

        return NameDrop(reason);
    }

    /// <summary>Names the last session's loss once by <paramref name="reason"/>; true when it was not named before.</summary>
    public bool NameDrop(ConnectionFailedException reason)
    {
        if (_dropNamed || Last is not { } last)
        {
            return false;
        }

        _dropNamed = true;
        drops.Dropped(reason, last, ConnectedAt, d);
        return true;
    }

    /// <summary>Wakes the device's wait at the run's stop, and aborts a connection still blocked on an ack or a send after a grace period.</summary>
    public void Stopped()
    {
        d.Wait.Wake();
        _ = AbortLaterAsync(this);
    }

    private static async Task AbortLaterAsync(CodeScenarioAttempt attempt)
    {
        await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        attempt.Last?.Abort();
    }

    /// <summary>A Stopwatch timestamp <paramref name="delay"/> from now; an infinite or huge delay never comes.</summary>
    private static long Due(TimeSpan delay)
    {
        if (delay == Timeout.InfiniteTimeSpan)
        {
            return long.MaxValue;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        var ticks = delay.TotalSeconds * Stopwatch.Frequency;
        return ticks >= long.MaxValue / 2 ? long.MaxValue : Stopwatch.GetTimestamp() + (long)ticks;
    }

    private static bool IsTopic(in ReadOnlySequence<byte> topic, byte[] expected)
    {
        if (topic.Length != expected.Length)
        {
            return false;
        }

        if (topic.IsSingleSegment)
        {
            return topic.FirstSpan.SequenceEqual(expected);
        }

        if (expected.Length > 256)
        {
            return false; // AWS's topics are 256 bytes at most, and so the command topics the profile allows
        }

        Span<byte> copy = stackalloc byte[256];
        topic.CopyTo(copy);
        return copy[..expected.Length].SequenceEqual(expected);
    }

    /// <summary>No session over HTTPS: the first accepted request is the device's "connect".</summary>
    private void RequestSucceeded()
    {
        if (RequestConnectedAt == 0)
        {
            RequestConnectedAt = d.Connected();
        }
    }

    /// <summary>The device's token for a request: a failure before the device connected fails its attempt; after, it drops the device under the same name.</summary>
    private async Task<string> TokenAsync(CancellationToken stop)
    {
        try
        {
            return (await connector.CredentialsAsync(d, stop).ConfigureAwait(false)).Token;
        }
        catch (AttemptFailedException e) when (RequestConnectedAt == 0)
        {
            Fail(e.FailureClass);
            throw;
        }
        catch (AttemptFailedException e)
        {
            throw new StepFailedException(e.FailureClass, e.Message);
        }
    }

    private void Fail(string failureClass)
    {
        FailedClass = failureClass;
        d.Life.Failed(failureClass);
    }
}
