using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Simulator.Core.Mqtt;
using Simulator.Gateway.Auth;
using Simulator.Gateway.Config;
using Simulator.Gateway.Policy;
namespace Simulator.Gateway.Broker;

/// <summary>CONNECT and custom auth: both connect throttles, the authorizer (unless the upgrade ran it), iot:Connect, the CONNACK; then the timer's tick (TTL, policy refresh, keep-alive) and the refresh itself.</summary>
public sealed partial class MqttServerSession
{
    internal void OnTick(DateTimeOffset now)
    {
        if (now >= _disconnectAt)
        {
            Close(DisconnectReason.CustomAuthTtlExpiration);
            return;
        }

        if (now.UtcTicks >= Volatile.Read(ref _refreshAtTicks) && _connectRequest is not null && Interlocked.Exchange(ref _refreshing, 1) == 0)
        {
            _ = RefreshAsync();
        }

        var keepAlive = Volatile.Read(ref _keepAliveMs);
        if (keepAlive > 0 && Environment.TickCount64 - Volatile.Read(ref _lastReceiveTicks) > keepAlive * 3 / 2)
        {
            Close(DisconnectReason.KeepAliveTimeout);
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
                await _frames.WriteAsync(0, static (w, _) => new ConnAckPacket(false, ConnAckReturnCode.UnacceptableProtocolVersion).Write(w), ct).ConfigureAwait(false);
                return false;
            }
        }
        finally
        {
            // Packets a client sent right behind its CONNECT ([MQTT-3.1.4-5] allows it) stay buffered,
            // so the session's loop reads them at once instead of waiting for more bytes.
            _packets.Advance();
        }

        _version = connect.Version;
        _packets.Version = _version;

        // AWS IoT Core's quota: a client id of at most 128 bytes of UTF-8, refused before anything
        // else runs (and never carried into a log line, a policy or a lifecycle event).
        if (Encoding.UTF8.GetByteCount(connect.ClientId) > MaxClientIdBytes)
        {
            _broker.Counters.Denied(DenyReason.ClientIdTooLong);
            return await RefuseAsync(MqttReasonCode.ClientIdentifierNotValid, ct).ConfigureAwait(false);
        }

        // An empty client id (MQTT 3.1.1 §3.1.3.1, 5.0 §3.1.3.1), as AWS follows the spec: 3.1.1 takes
        // it only with Clean Session, else CONNACK 0x02 Identifier rejected ([MQTT-3.1.3-8]); either
        // way the server assigns a unique id, so two such clients never share a session, and MQTT 5
        // says which in CONNACK's Assigned Client Identifier ([MQTT-3.2.2-16]). [U] The authorizer,
        // the policy and the lifecycle events see the assigned id.
        var clientId = connect.ClientId;
        if (clientId.Length == 0)
        {
            if (_version != MqttVersion.V500 && !connect.CleanSession)
            {
                await _frames.WriteAsync(0, static (w, _) => new ConnAckPacket(false, ConnAckReturnCode.IdentifierRejected).Write(w), ct).ConfigureAwait(false);
                return false;
            }

            clientId = _assignedClientId = "assigned-" + Guid.NewGuid().ToString("N");
        }

        ClientId = clientId;
        _context = new PolicyContext(clientId);
        _connectRequest = _baseRequest with { MqttUsername = connect.Username, MqttPassword = connect.Password, ClientId = clientId, ConnectionId = _connectionId };
        // The connect rates: before the authorizer by default (QuotaOptions.ThrottledConnectsInvokeAuthorizer),
        // on every transport. A WebSocket upgrade with custom-auth values checked the account's rate
        // before its authorizer ran; the client id's rate needs the CONNECT, so it is checked here.
        var invokeWhenThrottled = _broker.Quotas.ThrottledConnectsInvokeAuthorizer;
        var accountTaken = _upgradeQuota == UpgradeConnectQuota.Taken;
        if (_upgradeQuota == UpgradeConnectQuota.Throttled)
        {
            return await ThrottledAsync("Connect.Throttle", ct).ConfigureAwait(false);
        }

        if (!invokeWhenThrottled && !_broker.TryConnectQuota(clientId, accountTaken))
        {
            return await ThrottledAsync("connect rate", ct).ConfigureAwait(false);
        }

        if (_version == MqttVersion.V500 && connect.Properties?.AuthenticationMethod is not null)
        {
            // AWS IoT Core does not support MQTT 5 enhanced authentication (AUTH); custom auth rides on the username, password or upgrade.
            return await RefuseAsync(MqttReasonCode.BadAuthenticationMethod, ct).ConfigureAwait(false);
        }

        if (_auth is { Allowed: false })
        {
            // A WebSocket upgrade whose custom-auth values were denied, answered at CONNECT (Mqtt5Options.DenyWebSocketUpgradesAtConnect).
            return await AuthorizationFailedAsync((MqttReasonCode)_broker.Mqtt5.CustomAuthDenyReasonCode, clientId, ct).ConfigureAwait(false);
        }

        if (_auth is null)
        {
            _auth = await _broker.Auth.AuthenticateAsync(_connectRequest, ct).ConfigureAwait(false);
            if (!_auth.Allowed)
            {
                // 3.1.1: AWS closes the connection without a CONNACK (A.4). 5.0: a CONNACK with a reason code (D, [U] which).
                return await AuthorizationFailedAsync((MqttReasonCode)_broker.Mqtt5.CustomAuthDenyReasonCode, clientId, ct).ConfigureAwait(false);
            }
        }

        if (invokeWhenThrottled && !_broker.TryConnectQuota(clientId, accountTaken))
        {
            return await ThrottledAsync("connect rate", ct).ConfigureAwait(false);
        }

        if (!_auth.Policy!.IsAllowed(IotAction.Connect, _broker.Arn.Client(clientId), _context with { ConnectAttributes = ConnectAttributesOf(connect) }))
        {
            _broker.Counters.Denied(DenyReason.PolicyDenied);
            return await AuthorizationFailedAsync(MqttReasonCode.NotAuthorized, clientId, ct).ConfigureAwait(false);
        }

        // AWS supports QoS 0 and 1 only: a Will at QoS 2 is refused, an MQTT 5 client told 0x9B (v5 §3.2.2.2).
        if (connect.WillTopic is not null && connect.WillQos == MqttQos.ExactlyOnce)
        {
            return await RefuseAsync(MqttReasonCode.QosNotSupported, ct).ConfigureAwait(false);
        }

        // The Will is authorized when the connect is, not when it would be sent: AWS refuses a
        // CONNECT whose Will the policy may not publish (or, for a retained Will, retain-publish),
        // and says so with a connect_failed event. A fleet whose firmware names a Will topic outside
        // its policy fails here as it would there.
        if (connect.WillTopic is { } willTopic && !WillAllowed(willTopic, connect.WillRetain, _auth.Policy))
        {
            _broker.Counters.Denied(DenyReason.PolicyDenied);
            return await AuthorizationFailedAsync(MqttReasonCode.NotAuthorized, clientId, ct).ConfigureAwait(false);
        }

        var now = _broker.Time.GetUtcNow();
        _disconnectAt = now.AddSeconds(_auth.DisconnectAfterSeconds);
        Volatile.Write(ref _refreshAtTicks, now.AddSeconds(_auth.RefreshAfterSeconds + FirstRefreshJitter(_auth.RefreshAfterSeconds)).UtcTicks);
        var keepAlive = EffectiveKeepAlive(connect.KeepAliveSeconds);
        Volatile.Write(ref _keepAliveMs, keepAlive * 1000L);

        var displaced = _broker.Register(this);
        displaced?.Close(DisconnectReason.DuplicateClientId);
        _broker.Counters.Connected();
        var sessionPresent = ResumeSession(connect, displaced);
        _broker.NewConnection(clientId, sessionPresent);
        _will = WillMessage.Of(connect);
        var connAck = _version == MqttVersion.V500
            ? ConnAckPacket.V5(sessionPresent, MqttReasonCode.Success, ConnAckProperties(connect, keepAlive))
            : new ConnAckPacket(sessionPresent, ConnAckReturnCode.Accepted);
        await _frames.WriteAsync(connAck, static (w, a) => a.Write(w), ct).ConfigureAwait(false);
        if (_toResend.Count > 0)
        {
            _ = SendStoredAsync(); // after CONNACK, beside the receive loop
        }

        await _broker.PublishLifecycleAsync(this, connected: true, null).ConfigureAwait(false);
        return true;
    }

    /// <summary>A throttled connect: counted as denied, one line in the log, closed without a CONNACK (3.1.1) or after CONNACK 0x97 Quota exceeded (5.0).</summary>
    private async Task<bool> ThrottledAsync(string which, CancellationToken ct)
    {
        _broker.Counters.Denied(DenyReason.Throttled);
        _broker.LogThrottledConnect(_baseRequest.Protocol, ClientId ?? "-", which);
        return await RefuseAsync(MqttReasonCode.QuotaExceeded, ct).ConfigureAwait(false);
    }

    /// <summary>A connect the authorizer or the policy refused: refused as <see cref="RefuseAsync"/> does, with a connect_failed lifecycle event.</summary>
    private async Task<bool> AuthorizationFailedAsync(MqttReasonCode reason, string clientId, CancellationToken ct)
    {
        await _broker.PublishConnectFailedAsync(clientId, _auth?.PrincipalId, RemoteAddress).ConfigureAwait(false);
        return await RefuseAsync(reason, ct).ConfigureAwait(false);
    }

    /// <summary>Whether a Will may go to <paramref name="topic"/>: a topic within AWS's limits, iot:Publish on it, and iot:RetainPublish for a retained Will.</summary>
    private bool WillAllowed(string topic, bool retain, IotPolicy? policy)
    {
        var q = _broker.Quotas;
        var arn = _broker.Arn.Topic(topic);
        return topic.Length > 0 && topic.AsSpan().IndexOfAny('#', '+') < 0
            && Encoding.UTF8.GetByteCount(topic) <= q.MaxTopicBytes && topic.Count(c => c == '/') <= q.MaxTopicSlashes
            && policy?.IsAllowed(IotAction.Publish, arn, _context) == true
            && (!retain || policy.IsAllowed(IotAction.RetainPublish, arn, _context));
    }

    /// <summary>A refused connect: at 3.1.1 the connection just closes (A.4); an MQTT 5 client is told why in its CONNACK first (v5 §3.2.2.2).</summary>
    private async Task<bool> RefuseAsync(MqttReasonCode reason, CancellationToken ct)
    {
        if (_version == MqttVersion.V500)
        {
            await _frames.WriteAsync(ConnAckPacket.V5(false, reason), static (w, a) => a.Write(w), ct).ConfigureAwait(false);
        }

        return false;
    }

    /// <summary>
    /// A clean start (3.1.1 Clean Session, v5 §3.1.2.4 Clean Start) discards a kept session;
    /// without it, a session kept for this client id comes back: its subscriptions routed again, its
    /// stored messages sent after CONNACK, and CONNACK says Session Present. The expiry granted is
    /// the one asked for (3.1.1: AWS's persistent session expiry), cut to the gateway's cap.
    /// </summary>
    private bool ResumeSession(ConnectPacket connect, MqttServerSession? displaced)
    {
        var cap = _broker.Mqtt5.MaxSessionExpirySeconds;
        _sessionExpirySeconds = _version == MqttVersion.V500 ? Math.Min(connect.Properties?.SessionExpiryInterval ?? 0, cap) : connect.CleanSession ? 0 : cap;
        if (_sessionExpirySeconds > 0)
        {
            _unacked = [];
        }

        var taken = _broker.TakePersisted(ClientId);
        if (connect.CleanSession)
        {
            _broker.Counters.QueuedDropped(taken?.Stored.Length ?? 0);
            return false; // a displaced connection's session ends with it: nothing is handed over
        }

        var session = displaced?.HandOver() ?? (taken is var (kept, stored) ? (new Dictionary<string, GrantedFilter>(kept.Filters, StringComparer.Ordinal), [.. stored], kept.NextId) : null);
        if (session is not var (filters, messages, nextId))
        {
            return false;
        }

        _nextId = nextId;
        foreach (var (filter, granted) in filters)
        {
            _broker.Router.Add(this, filter, granted.Qos, granted.NoLocal);
            _filters[filter] = granted;
        }

        _toResend.AddRange(messages);
        return true;
    }

    /// <summary>
    /// What AWS's CONNACK tells an MQTT 5 client (D): the session expiry it granted when it capped
    /// the asked-for one, Server Keep Alive when it clamped the keep-alive, and its limits.
    /// </summary>
    private MqttProperties ConnAckProperties(ConnectPacket connect, int keepAlive)
    {
        var options = _broker.Mqtt5;
        var asked = connect.Properties?.SessionExpiryInterval ?? 0;
        return new MqttProperties
        {
            SessionExpiryInterval = asked > options.MaxSessionExpirySeconds ? options.MaxSessionExpirySeconds : null,
            ServerKeepAlive = keepAlive != connect.KeepAliveSeconds ? (ushort)keepAlive : null,
            ReceiveMaximum = options.ReceiveMaximum,
            MaximumQos = 1,
            TopicAliasMaximum = options.TopicAliasMaximum,
            MaximumPacketSize = (uint)(_broker.Quotas.MaxPayloadBytes + 1024),
            SubscriptionIdentifierAvailable = 0,
            AssignedClientIdentifier = _assignedClientId,
        };
    }

    /// <summary>
    /// AWS IoT's connect attributes, which an iot:ConnectAttributes condition reads: PersistentConnect
    /// for a session to be kept (3.1.1 Clean Session off; [U] at MQTT 5, a session expiry above 0,
    /// which keeps the session whatever Clean Start says), LastWill when the CONNECT carries a Will.
    /// </summary>
    private IReadOnlyList<string> ConnectAttributesOf(ConnectPacket connect)
    {
        var persistent = _version == MqttVersion.V500 ? (connect.Properties?.SessionExpiryInterval ?? 0) > 0 : !connect.CleanSession;
        return (persistent, connect.WillTopic is not null) switch
        {
            (true, true) => ["PersistentConnect", "LastWill"],
            (true, false) => ["PersistentConnect"],
            (false, true) => ["LastWill"],
            _ => [],
        };
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
        var due = new DateTimeOffset(Volatile.Read(ref _refreshAtTicks), TimeSpan.Zero);
        try
        {
            var outcome = await _broker.Auth.AuthenticateAsync(_connectRequest! with { IsRefresh = true }, _closed.Token).ConfigureAwait(false);
            if (!outcome.Allowed)
            {
                Close(DisconnectReason.AuthError);
                return;
            }

            Volatile.Write(ref _auth, outcome);

            // From when it was due, not when the timer's tick ran it: the period stays refreshAfterInSeconds.
            Volatile.Write(ref _refreshAtTicks, due.AddSeconds(outcome.RefreshAfterSeconds).UtcTicks);
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
}
