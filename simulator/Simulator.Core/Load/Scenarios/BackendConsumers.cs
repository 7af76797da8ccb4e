using System.Buffers;
using System.Diagnostics;
using System.Text;
using Simulator.Core.Errors;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;

namespace Simulator.Core.Load.Scenarios;

/// <summary>
/// A backend's subscribers: connected and subscribed before the first device, they take the
/// fleet's messages. Each message's device is found from the {id} in its topic, and the message
/// among that device's last 64 by the fingerprint of its body, whatever the payload: its fan-in
/// delivery time is recorded (<see cref="Phase.Delivery"/>), a second copy counted as a duplicate,
/// and one that none got as lost (<see cref="DeliveryTally"/>). The receive path allocates nothing.
/// </summary>
internal sealed class BackendConsumers : IAsyncDisposable
{
    private readonly List<MqttClientConnection> _connections = [];
    private readonly DeviceDirectory _directory;
    private readonly RunMetrics _metrics;
    private readonly byte[] _prefix;
    private readonly byte[] _suffix;
    private long _dropped;

    private BackendConsumers(DeviceDirectory directory, RunMetrics metrics, string deviceTopic)
    {
        _directory = directory;
        _metrics = metrics;
        var topic = TopicTemplate.Parse(deviceTopic); // a message's id lies between the part before the first {id} and the part after the last
        _prefix = Encoding.UTF8.GetBytes(topic.Prefix);
        _suffix = Encoding.UTF8.GetBytes(topic.Suffix);
    }

    /// <summary>Consumer connections that ended before the run did: their share of the messages after that is lost.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <param name="connect">Where and how consumer <c>i</c> connects (transport and options, the message handler set here).</param>
    /// <exception cref="ConnectionFailedException">A consumer could not connect, or its subscription was refused.</exception>
    public static async Task<BackendConsumers> StartAsync(ConsumerSettings settings, DeviceSettings device, DeviceDirectory directory, RunMetrics metrics, Func<int, (TransportOptions Transport, MqttClientOptions Options)> connect, CancellationToken cancellationToken)
    {
        var consumers = new BackendConsumers(directory, metrics, device.Topic);
        var filter = settings.FilterFor(device.Topic);
        try
        {
            for (var i = 0; i < settings.Count; i++)
            {
                var (transport, options) = connect(i);
                var connection = await MqttClientConnection.ConnectAsync(transport, options with { MessageReceived = consumers.OnMessage }, cancellationToken).ConfigureAwait(false);
                consumers._connections.Add(connection);
                _ = connection.Completion.ContinueWith(static (_, c) => Interlocked.Increment(ref ((BackendConsumers)c!)._dropped), consumers, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                var codes = await connection.SubscribeAsync([(filter, (MqttQos)settings.Qos)]).ConfigureAwait(false);
                if (SubAckPacket.IsFailure(codes[0]))
                {
                    throw new ConnectionFailedException(FailureKind.ClosedAfterSubscribe, $"consumer {i}'s subscription to {filter} was refused (SUBACK 0x{codes[0]:x2})");
                }
            }
        }
        catch
        {
            await consumers.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return consumers;
    }

    /// <summary>After the devices stopped: waits until no message has arrived for half a second (at most <paramref name="limit"/>), then settles what none got.</summary>
    public async Task DrainAsync(TimeSpan limit)
    {
        var tally = _directory.Tally!;
        await Quiet.UntilAsync(() => tally.Received + tally.Duplicates + tally.Unknown, limit).ConfigureAwait(false);
        _directory.SettleAll();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void OnMessage(in PublishPacket message)
    {
        var at = Stopwatch.GetTimestamp();
        var tally = _directory.Tally!;
        Span<byte> topic = stackalloc byte[256];
        Span<char> id = stackalloc char[256];
        if (message.Topic.Length > topic.Length)
        {
            tally.Stranger();
            return;
        }

        var t = topic[..(int)message.Topic.Length];
        message.Topic.CopyTo(t);
        if (!t.StartsWith(_prefix) || !t.EndsWith(_suffix) || t.Length < _prefix.Length + _suffix.Length)
        {
            tally.Stranger();
            return;
        }

        var n = Encoding.UTF8.GetChars(t[_prefix.Length..^_suffix.Length], id);
        var device = _directory.Find(id[..n]);
        if (device is null)
        {
            tally.Stranger();
        }
        else if (device.TryDelivered(message.Payload, out var sentAt, out var duplicate))
        {
            tally.Got();
            _metrics.Record(Phase.Delivery, Stopwatch.GetElapsedTime(sentAt, at).TotalMilliseconds);
        }
        else if (duplicate)
        {
            tally.Duplicate();
        }
        else
        {
            tally.Stranger();
        }
    }
}
