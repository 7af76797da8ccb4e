using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Simulator.Core.Mqtt;
using Simulator.Gateway.Auth;
using Simulator.Gateway.Config;
using Simulator.Gateway.Policy;

namespace Simulator.Gateway.Broker;

/// <summary>
/// One device connection on the gateway: CONNECT, custom auth (unless the WebSocket upgrade did
/// it), iot:Connect, then PUBLISH/SUBSCRIBE checked against the cached policy, re-authorized after
/// refreshAfterInSeconds and cut at disconnectAfterInSeconds. A denied action closes the
/// connection, as AWS does (A.4). Deliveries from other sessions are written under a send lock.
/// </summary>
public sealed class MqttServerSession
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private readonly MqttBroker _broker;
    private readonly PipeReader _reader;
    private readonly MqttProtocolReader _packets;
    private readonly PipeWriter _writer;
    private readonly AuthRequest _baseRequest;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private bool _flushPending;
    private readonly CancellationTokenSource _closed = new();
    private readonly HashSet<string> _filters = new(StringComparer.Ordinal);
    private readonly TokenBucket _publishRate;
    private AuthOutcome? _auth;
    private readonly UpgradeConnectQuota _upgradeQuota;
    private AuthRequest? _connectRequest;
    private PolicyContext _context = new(string.Empty);
    private DateTimeOffset _disconnectAt = DateTimeOffset.MaxValue;
    private DateTimeOffset _refreshAt = DateTimeOffset.MaxValue;
    private int _refreshing;
    private readonly string _connectionId = Guid.NewGuid().ToString();
    private long _lastReceiveTicks = Environment.TickCount64;
    private long _keepAliveMs;
    private ushort _nextId;
    private string? _closeReason;

    internal MqttServerSession(MqttBroker broker, PipeReader reader, PipeWriter writer, AuthRequest baseRequest, AuthOutcome? preAuth, UpgradeConnectQuota upgradeQuota = UpgradeConnectQuota.NotChecked)
    {
        _broker = broker;
        _reader = reader;
        _packets = new MqttProtocolReader(reader, broker.Quotas.MaxPayloadBytes + 1024);
        _writer = writer;
        _baseRequest = baseRequest;
        _auth = preAuth;
        _upgradeQuota = upgradeQuota;
        _publishRate = new TokenBucket(broker.Quotas.PublishesPerSecondPerConnection);
    }

    public string ClientId { get; private set; } = string.Empty;

    public string SessionId { get; } = Guid.NewGuid().ToString();

    public string? PrincipalId => _auth?.PrincipalId;

    /// <summary>The client's address, for lifecycle events' ipAddress.</summary>
    public string? RemoteAddress => _baseRequest.RemoteAddress;

    /// <summary>Set at registration; the connection's connect and disconnect events carry it.</summary>
    internal long LifecycleVersion { get; set; }

    public async Task RunAsync(CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _closed.Token);
        var ct = linked.Token;
        var registered = false;
        try
        {
            if (!await ConnectAsync(ct).ConfigureAwait(false))
            {
                return;
            }

            registered = true;
            await ReceiveLoopAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Closed by Close(), the timer or the host.
        }
        catch (MqttProtocolException e)
        {
            _closeReason ??= DisconnectReason.ClientError;
            _broker.LogProtocolViolation(ClientId, e.Message);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException or System.Net.WebSockets.WebSocketException or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            _closeReason ??= DisconnectReason.ConnectionLost;
        }
        finally
        {
            if (registered)
            {
                _broker.Unregister(this);
                _broker.Router.RemoveAll(this, _filters);
                _broker.Counters.Disconnected();
                await _broker.PublishLifecycleAsync(this, connected: false, _closeReason ?? DisconnectReason.ConnectionLost).ConfigureAwait(false);
            }

            await _reader.CompleteAsync().ConfigureAwait(false);
            await _writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Ends the connection from outside (duplicate client id, TTL, keep-alive, injected drop).</summary>
    public void Close(string reason)
    {
        _closeReason ??= reason;
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    internal bool MayReceive(string topicArn) => _auth?.Policy?.IsAllowed(IotAction.Receive, topicArn, _context) == true;

    internal void OnTick(DateTimeOffset now)
    {
        if (now >= _disconnectAt)
        {
            Close(DisconnectReason.CustomAuthTtlExpiration);
            return;
        }

        if (now >= _refreshAt && _connectRequest is not null && Interlocked.Exchange(ref _refreshing, 1) == 0)
        {
            _ = RefreshAsync();
        }

        var keepAlive = Volatile.Read(ref _keepAliveMs);
        if (keepAlive > 0 && Environment.TickCount64 - Volatile.Read(ref _lastReceiveTicks) > keepAlive * 3 / 2)
        {
            Close(DisconnectReason.KeepAliveTimeout);
        }
    }

    /// <summary>
    /// Writes a PUBLISH to this subscriber; false if it was not delivered (the connection is gone, or a rate discarded it). A slow subscriber never
    /// stalls the publisher: when its transport buffer is full (the flush cannot complete at once),
    /// the flush finishes off the publisher's path with the send lock held, and a message that
    /// arrives while that flush is still pending disconnects the subscriber as a slow consumer
    /// (THROTTLED, counted), as AWS cuts clients that cannot keep up. So a session holds at most
    /// one transport buffer of unsent messages.
    /// </summary>
    internal async ValueTask<bool> DeliverAsync(string topic, ReadOnlySequence<byte> payload, MqttQos qos)
    {
        if (_closed.IsCancellationRequested)
        {
            return false;
        }

        if (Volatile.Read(ref _flushPending))
        {
            _broker.Counters.SlowConsumer();
            Close(DisconnectReason.Throttled);
            return false;
        }

        // Outbound messages count toward the connection's 100/s too, and toward the account's outbound rate; the excess is discarded.
        if (!_publishRate.TryTake())
        {
            _broker.Counters.Throttled("PublishOut.Throttle");
            return false;
        }

        if (!_broker.TryPublishOutQuota())
        {
            return false;
        }

        await _sendLock.WaitAsync().ConfigureAwait(false);
        var release = true;
        try
        {
            var topicBytes = Encoding.UTF8.GetBytes(topic);
            ushort id = 0;
            if (qos > 0)
            {
                _nextId = (ushort)(_nextId == ushort.MaxValue ? 1 : _nextId + 1);
                id = _nextId;
            }

            // Header and topic, then the payload segments as they lie in the publisher's buffer.
            PublishPacket.WriteHeader(_writer, topicBytes, payload.Length, qos, id);
            foreach (var segment in payload)
            {
                _writer.Write(segment.Span);
            }

            var flush = _writer.FlushAsync();
            if (!flush.IsCompleted)
            {
                release = false;
                Volatile.Write(ref _flushPending, true);
                _ = CompleteFlushAsync(flush);
                return true;
            }

            return !flush.Result.IsCompleted;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            if (release)
            {
                _sendLock.Release();
            }
        }
    }

    private async Task CompleteFlushAsync(ValueTask<System.IO.Pipelines.FlushResult> flush)
    {
        try
        {
            await flush.ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
        {
            // The subscriber is gone; its session ends on its own read side.
        }
        finally
        {
            Volatile.Write(ref _flushPending, false);
            _sendLock.Release();
        }
    }

    private async Task<bool> ConnectAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ConnectTimeout);
        var read = await _packets.ReadAsync(timeout.Token).ConfigureAwait(false);
        if (read.IsCompleted)
        {
            return false;
        }

        ConnectPacket connect;
        try
        {
            if (read.Packet.Type != MqttPacketType.Connect)
            {
                return false; // [MQTT-3.1.0-1]: the first packet must be CONNECT
            }

            try
            {
                connect = ConnectPacket.Read(read.Packet);
            }
            catch (MqttProtocolException e) when (e.Code == MqttErrorCode.UnsupportedProtocolLevel)
            {
                new ConnAckPacket(false, ConnAckReturnCode.UnacceptableProtocolVersion).Write(_writer);
                await _writer.FlushAsync(ct).ConfigureAwait(false);
                return false;
            }
        }
        finally
        {
            // Packets a client sent right behind its CONNECT ([MQTT-3.1.4-5] allows it) stay buffered,
            // so the session's loop reads them at once instead of waiting for more bytes.
            _packets.Advance();
        }

        ClientId = connect.ClientId;
        _context = new PolicyContext(connect.ClientId);
        _connectRequest = _baseRequest with { MqttUsername = connect.Username, MqttPassword = connect.Password, ClientId = connect.ClientId, ConnectionId = _connectionId };
        // The connect rates: before the authorizer by default (QuotaOptions.ThrottledConnectsInvokeAuthorizer),
        // on every transport. A WebSocket upgrade with custom-auth values checked the account's rate
        // before its authorizer ran; the client id's rate needs the CONNECT, so it is checked here.
        var invokeWhenThrottled = _broker.Quotas.ThrottledConnectsInvokeAuthorizer;
        var accountTaken = _upgradeQuota == UpgradeConnectQuota.Taken;
        if (_upgradeQuota == UpgradeConnectQuota.Throttled)
        {
            return Throttled("Connect.Throttle");
        }

        if (!invokeWhenThrottled && !_broker.TryConnectQuota(connect.ClientId, accountTaken))
        {
            return Throttled("connect rate");
        }

        if (_auth is null)
        {
            _auth = await _broker.Auth.AuthenticateAsync(_connectRequest, ct).ConfigureAwait(false);
            if (!_auth.Allowed)
            {
                return false; // AWS closes the connection without a CONNACK (A.4)
            }
        }

        if (invokeWhenThrottled && !_broker.TryConnectQuota(connect.ClientId, accountTaken))
        {
            return Throttled("connect rate");
        }

        if (!_auth.Policy!.IsAllowed(IotAction.Connect, _broker.Arn.Client(connect.ClientId), _context))
        {
            _broker.Counters.Denied(DenyReason.PolicyDenied);
            return false;
        }

        var now = _broker.Time.GetUtcNow();
        _disconnectAt = now.AddSeconds(_auth.DisconnectAfterSeconds);
        _refreshAt = now.AddSeconds(_auth.RefreshAfterSeconds + FirstRefreshJitter(_auth.RefreshAfterSeconds));
        Volatile.Write(ref _keepAliveMs, EffectiveKeepAlive(connect.KeepAliveSeconds) * 1000L);

        _broker.Register(this)?.Close(DisconnectReason.DuplicateClientId);
        _broker.Counters.Connected();
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            new ConnAckPacket(false, ConnAckReturnCode.Accepted).Write(_writer);
            await _writer.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }

        await _broker.PublishLifecycleAsync(this, connected: true, null).ConfigureAwait(false);
        return true;
    }

    /// <summary>A throttled connect: counted as denied, one line in the log, closed without a CONNACK.</summary>
    private bool Throttled(string which)
    {
        _broker.Counters.Denied(DenyReason.Throttled);
        _broker.LogThrottledConnect(_baseRequest.Protocol, ClientId ?? "-", which);
        return false;
    }

    private int EffectiveKeepAlive(int requested)
    {
        if (!_broker.Quotas.ClampKeepAlive)
        {
            return requested;
        }

        return requested switch
        {
            0 or > 1200 => 1200,
            < 30 => 30,
            _ => requested,
        };
    }

    private async Task ReceiveLoopAsync(CancellationToken ct)
    {
        while (true)
        {
            var read = await _packets.ReadAsync(ct).ConfigureAwait(false);
            if (read.IsCompleted)
            {
                _closeReason ??= DisconnectReason.ConnectionLost;
                return;
            }

            bool goOn;
            try
            {
                Volatile.Write(ref _lastReceiveTicks, Environment.TickCount64);
                goOn = await HandleAsync(read.Packet, ct).ConfigureAwait(false);
            }
            finally
            {
                _packets.Advance();
            }

            if (!goOn)
            {
                return;
            }
        }
    }

    private async ValueTask<bool> HandleAsync(MqttPacket packet, CancellationToken ct)
    {
        switch (packet.Type)
        {
            case MqttPacketType.Publish:
                return await OnPublishAsync(PublishPacket.Read(packet), ct).ConfigureAwait(false);
            case MqttPacketType.Subscribe:
                return await OnSubscribeAsync(SubscribePacket.Read(packet), ct).ConfigureAwait(false);
            case MqttPacketType.Unsubscribe:
                var unsub = UnsubscribePacket.Read(packet);
                foreach (var f in unsub.Filters)
                {
                    _broker.Router.Remove(this, f);
                    _filters.Remove(f);
                }

                await SendAsync(w => PacketIdPacket.Write(w, MqttPacketType.UnsubAck, unsub.PacketId), ct).ConfigureAwait(false);
                return true;
            case MqttPacketType.PingReq:
                EmptyPacket.Read(packet);
                await SendAsync(w => EmptyPacket.Write(w, MqttPacketType.PingResp), ct).ConfigureAwait(false);
                return true;
            case MqttPacketType.PubAck:
                PacketIdPacket.Read(packet);
                return true;
            case MqttPacketType.Disconnect:
                _closeReason = DisconnectReason.ClientInitiated;
                return false;
            default:
                _closeReason = DisconnectReason.ClientError; // QoS 2 and server-only packets
                return false;
        }
    }

    /// <summary>
    /// The first refresh comes refreshAfterInSeconds after connect plus up to 5 minutes (at most
    /// refreshAfterInSeconds) of jitter, so a fleet that connected at once does not refresh at once.
    /// </summary>
    private static double FirstRefreshJitter(int refreshAfterSeconds) => Random.Shared.NextDouble() * Math.Min(300, refreshAfterSeconds);

    /// <summary>
    /// A policy refresh on the broker's timer, as AWS refreshes every refreshAfterInSeconds whether or
    /// not the device sends anything: the same connectionMetadata.id and protocol data as the connect,
    /// counted apart. A denied or failed refresh disconnects the device.
    /// </summary>
    private async Task RefreshAsync()
    {
        var due = _refreshAt;
        try
        {
            var outcome = await _broker.Auth.AuthenticateAsync(_connectRequest! with { IsRefresh = true }, _closed.Token).ConfigureAwait(false);
            if (!outcome.Allowed)
            {
                Close(DisconnectReason.AuthError);
                return;
            }

            _auth = outcome;

            // From when it was due, not when the timer's tick ran it: the period stays refreshAfterInSeconds.
            _refreshAt = due.AddSeconds(outcome.RefreshAfterSeconds);
        }
        catch (OperationCanceledException)
        {
            // The connection closed meanwhile.
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private async ValueTask<bool> OnPublishAsync(PublishPacket publish, CancellationToken ct)
    {
        var topic = MqttBroker.Utf8(publish.Topic);
        var q = _broker.Quotas;
        if (publish.Topic.Length > q.MaxTopicBytes || topic.Count(c => c == '/') > q.MaxTopicSlashes || publish.Payload.Length > q.MaxPayloadBytes)
        {
            _closeReason = DisconnectReason.ClientError;
            return false;
        }

        if (!_auth!.Policy!.IsAllowed(IotAction.Publish, _broker.Arn.Topic(topic), _context))
        {
            _broker.Counters.Denied(DenyReason.PolicyDenied);
            _closeReason = DisconnectReason.AuthError; // AWS closes on a denied publish (A.4)
            return false;
        }

        // Excess publishes are discarded and acknowledged (A.5): per connection (in and out together) and per account.
        if (!_publishRate.TryTake())
        {
            _broker.Counters.Denied(DenyReason.Throttled);
            _broker.Counters.Throttled("PublishIn.Throttle");
        }
        else if (!_broker.TryPublishInQuota())
        {
            _broker.Counters.Denied(DenyReason.Throttled);
        }
        else
        {
            await _broker.RouteAsync(topic, publish.Payload, publish.Qos).ConfigureAwait(false);
        }

        if (publish.Qos == MqttQos.AtLeastOnce)
        {
            var id = publish.PacketId;
            await SendAsync(w => PacketIdPacket.Write(w, MqttPacketType.PubAck, id), ct).ConfigureAwait(false);
        }

        return true;
    }

    private async ValueTask<bool> OnSubscribeAsync(SubscribePacket subscribe, CancellationToken ct)
    {
        var q = _broker.Quotas;
        if (subscribe.Subscriptions.Count > q.MaxFiltersPerSubscribe)
        {
            _closeReason = DisconnectReason.ClientError;
            return false;
        }

        var codes = new byte[subscribe.Subscriptions.Count];
        for (var i = 0; i < codes.Length; i++)
        {
            var (filter, qos) = subscribe.Subscriptions[i];
            if (!_auth!.Policy!.IsAllowed(IotAction.Subscribe, _broker.Arn.TopicFilter(filter), _context))
            {
                _broker.Counters.Denied(DenyReason.PolicyDenied);
                _closeReason = DisconnectReason.AuthError; // AWS closes on a denied subscribe (A.4)
                return false;
            }

            if (!_filters.Contains(filter) && _filters.Count >= q.MaxSubscriptionsPerConnection)
            {
                _closeReason = DisconnectReason.ClientError; // over 50 subscriptions on one connection: AWS closes it (A.5)
                return false;
            }

            if (!_broker.TrySubscribeQuota())
            {
                codes[i] = SubAckPacket.Failure; // the account's subscribe rate: this filter is refused, the connection stays
                continue;
            }

            var granted = qos > MqttQos.AtLeastOnce ? MqttQos.AtLeastOnce : qos; // AWS grants at most QoS 1
            _broker.Router.Add(this, filter, granted);
            _filters.Add(filter);
            codes[i] = (byte)granted;
        }

        await SendAsync(w => new SubAckPacket(subscribe.PacketId, codes).Write(w), ct).ConfigureAwait(false);
        return true;
    }

    private async ValueTask SendAsync(Action<IBufferWriter<byte>> write, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            write(_writer);
            await _writer.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
