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
/// connection, as AWS does (A.4). Split by concern: <c>.Connect</c> (CONNECT, auth, refresh, the
/// timer's tick), <c>.Dispatch</c> (the receive loop and the device's packets), <c>.Delivery</c>
/// (everything written to the device).
/// <para>Who touches what, from which thread:</para>
/// <list type="bullet">
/// <item>The receive loop (<see cref="RunAsync"/>) owns the connect state (<c>_connectRequest</c>,
/// <c>_context</c>, <c>_disconnectAt</c>, <c>_filters</c>, <c>_publishRate</c>): written before the
/// session is registered with the broker, or only by the loop itself.</item>
/// <item><c>_auth</c> is replaced whole by the refresh (thread pool) and read by other sessions'
/// routing (<see cref="MayReceive"/>) and the loop: an immutable outcome, read and written with
/// Volatile. <c>_refreshAtTicks</c> is a long for the same reason (the timer reads it).</item>
/// <item>The broker's timer calls <see cref="OnTick"/>, which only reads and calls <see cref="Close"/>;
/// <see cref="Close"/> may come from any thread and only cancels.</item>
/// <item>Every write to the device, from any session's thread, goes through <c>_frames</c>, which
/// holds its lock until the flush completes; other sessions never wait for it, their messages join
/// its bounded backlog (<c>.Delivery</c>). <c>_nextId</c> changes only atomically.</item>
/// </list>
/// </summary>
public sealed partial class MqttServerSession
{
    private const int MaxClientIdBytes = 128;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DisconnectGrace = TimeSpan.FromSeconds(2);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly MqttBroker _broker;
    private readonly PipeReader _reader;
    private readonly MqttProtocolReader _packets;
    private readonly MqttFrameWriter _frames;
    private readonly AuthRequest _baseRequest;
    private readonly CancellationTokenSource _closed = new();
    private readonly Dictionary<string, GrantedFilter> _filters = new(StringComparer.Ordinal); // filter -> granted QoS and No Local
    private readonly TokenBucket _publishRate;
    private AuthOutcome? _auth;
    private readonly UpgradeConnectQuota _upgradeQuota;
    private AuthRequest? _connectRequest;
    private PolicyContext _context = new(string.Empty);
    private DateTimeOffset _disconnectAt = DateTimeOffset.MaxValue;
    private long _refreshAtTicks = DateTimeOffset.MaxValue.UtcTicks; // read by the timer, written by the refresh: a long, so never torn
    private int _refreshing;
    private readonly string _connectionId = Guid.NewGuid().ToString();
    private long _lastReceiveTicks = Environment.TickCount64;
    private long _keepAliveMs;
    private int _nextId; // the last packet id taken (TakePacketId), 0 to 65535
    private string? _closeReason;
    private MqttVersion _version = MqttVersion.V311;
    private MqttReasonCode? _disconnectCode; // a protocol error's v5 DISCONNECT reason, set with ClientError
    private Dictionary<ushort, string>? _topicAliases; // the client's v5 Topic Aliases; the receive loop's alone
    private uint _sessionExpirySeconds; // the expiry granted in CONNACK (3.1.1 Clean Session off: the cap), or changed by a v5 DISCONNECT
    private PersistedSession? _kept; // set once the connection ended and its session is kept: routed messages are stored
    private List<StoredMessage>? _unacked; // a persistent session's QoS 1 messages sent and not acknowledged, in send order
    private readonly List<StoredMessage> _toResend = []; // a resumed session's stored messages not sent yet
    private string? _assignedClientId; // the id the gateway gave a CONNECT with an empty one (connect only)
    private WillMessage? _will; // the CONNECT's Will: published unless the connection ends with a normal DISCONNECT
    private bool _willDiscarded; // a DISCONNECT without reason 0x04 (Disconnect with Will Message)
    private bool _resumedElsewhere; // a connection took the client id over and carried the session on
    private bool _connected; // CONNACK sent: from here an MQTT 5 client is told why the gateway closes
    private int _saidWhy; // the DISCONNECT with a reason goes out once, from Close or from the loop's end

    internal MqttServerSession(MqttBroker broker, PipeReader reader, PipeWriter writer, AuthRequest baseRequest, AuthOutcome? preAuth, UpgradeConnectQuota upgradeQuota = UpgradeConnectQuota.NotChecked)
    {
        _broker = broker;
        _reader = reader;
        _packets = new MqttProtocolReader(reader, broker.Quotas.MaxPayloadBytes + 1024);
        _frames = new MqttFrameWriter(writer);
        _baseRequest = baseRequest;
        _auth = preAuth;
        _upgradeQuota = upgradeQuota;
        _publishRate = new TokenBucket(broker.Quotas.PublishesPerSecondPerConnection, broker.Time);
    }

    public string ClientId { get; private set; } = string.Empty;

    public string SessionId { get; } = Guid.NewGuid().ToString();

    public string? PrincipalId => Volatile.Read(ref _auth)?.PrincipalId;

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
            Volatile.Write(ref _connected, true);

            // Reads end when the input does, or at Close(), never at the transport's closed signal:
            // Kestrel raises that on the peer's FIN, possibly before a DISCONNECT sent just ahead of
            // the FIN was read from the pipe, which would report a clean disconnect as a lost connection.
            await ReceiveLoopAsync(ct, _closed.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Closed by Close(), the timer or the host.
        }
        catch (MqttProtocolException e)
        {
            _closeReason ??= DisconnectReason.ClientError;
            _disconnectCode ??= DisconnectCodeFor(e.Code);
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
                if (_closeReason is { } reason && Interlocked.Exchange(ref _saidWhy, 1) == 0)
                {
                    await SayWhyAsync(reason).ConfigureAwait(false); // a close the receive loop decided: its read is not pending
                }

                // Kept before this connection leaves the registry: a reconnect in between would find
                // neither the connection to take over nor the kept session, and start afresh.
                if (_sessionExpirySeconds > 0 && _closeReason != DisconnectReason.DuplicateClientId && !Volatile.Read(ref _resumedElsewhere))
                {
                    // Kept for its expiry, its subscriptions still routed here so messages are stored;
                    // a connection that took the client id over took the session with it (HandOver).
                    Volatile.Write(ref _kept, _broker.Persist(this, CopyFilters(), _sessionExpirySeconds, (ushort)Volatile.Read(ref _nextId), StillToSend()));
                }
                else
                {
                    _broker.Router.RemoveAll(this, _filters.Keys);
                }

                _broker.Unregister(this);

                // [MQTT-3.1.2-8]: a Will goes unless a DISCONNECT discarded it; a delayed one is not sent when a takeover resumed the session.
                if (_will is { } will && !_willDiscarded && !(Volatile.Read(ref _resumedElsewhere) && will.DelaySeconds > 0))
                {
                    _broker.PublishWill(this, will, _sessionExpirySeconds);
                }

                _broker.Counters.Disconnected();
                await _broker.PublishLifecycleAsync(this, connected: false, _closeReason ?? DisconnectReason.ConnectionLost).ConfigureAwait(false);
            }

            _frames.DiscardBacklog();
            await CompleteTransportAsync().ConfigureAwait(false);
            _ended.TrySetResult();
        }
    }

    /// <summary>
    /// Completes both pipes. A transport already broken, or an output whose flush is still waiting
    /// on a reader that stopped (a slow consumer just cut), may throw here: the connection is over
    /// either way, and an exception leaving the session would be logged by the host as an error.
    /// </summary>
    private async Task CompleteTransportAsync()
    {
        try
        {
            await _reader.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
        {
            // Broken already: nothing left to complete.
        }

        try
        {
            await _frames.Output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException or NotSupportedException)
        {
            // Broken already, or its flush still waits on a reader that stopped (SslStream then refuses
            // a second write with NotSupportedException): nothing left to complete.
        }
    }

    private Dictionary<string, GrantedFilter> CopyFilters()
    {
        lock (_filters)
        {
            return new Dictionary<string, GrantedFilter>(_filters, StringComparer.Ordinal);
        }
    }

    private bool RemoveFilter(string filter)
    {
        lock (_filters)
        {
            return _filters.Remove(filter);
        }
    }

    /// <summary>
    /// A persistent session taken over by a connection with the same client id while this one is
    /// still open: what the new connection carries on with (AWS resumes the session). Messages
    /// routed here after the copy go to this closing connection.
    /// </summary>
    internal (Dictionary<string, GrantedFilter> Filters, List<StoredMessage> Stored, ushort NextId)? HandOver()
    {
        if (_sessionExpirySeconds == 0)
        {
            return null;
        }

        Volatile.Write(ref _resumedElsewhere, true);
        return (CopyFilters(), StillToSend(), (ushort)Volatile.Read(ref _nextId));
    }

    /// <summary>
    /// Publishes this connection's Will, if the policy it holds now still allows it (a refresh may
    /// have narrowed the one its CONNECT was checked against); a retained Will is kept as the topic's retained message.
    /// </summary>
    internal async Task SendWillAsync(WillMessage will)
    {
        if (!WillAllowed(will.Topic, will.Retain, Volatile.Read(ref _auth)?.Policy))
        {
            _broker.Counters.WillDenied();
            return;
        }

        _broker.Counters.WillSent();
        var payload = new ReadOnlySequence<byte>(will.Payload);
        if (will.Retain)
        {
            _broker.Retained.Set(will.Topic, payload, will.Qos, will.Properties);
        }

        await _broker.RouteAsync(will.Topic, payload, will.Qos, will.Properties).ConfigureAwait(false);
    }

    /// <summary>What a kept session stores from this connection: its unacknowledged messages, then the stored ones it had not resent yet.</summary>
    private List<StoredMessage> StillToSend()
    {
        var all = new List<StoredMessage>();
        if (_unacked is { } unacked)
        {
            lock (unacked)
            {
                all.AddRange(unacked);
            }
        }

        lock (_toResend)
        {
            all.AddRange(_toResend);
        }

        return all;
    }

    /// <summary>v5 §4.13: a packet that cannot be parsed is Malformed (0x81); one that parses but breaks a rule is a Protocol Error (0x82).</summary>
    private static MqttReasonCode DisconnectCodeFor(MqttErrorCode code) => code switch
    {
        MqttErrorCode.PacketTooLarge => MqttReasonCode.PacketTooLarge,
        MqttErrorCode.TopicAliasInvalid => MqttReasonCode.TopicAliasInvalid,
        MqttErrorCode.MalformedRemainingLength or MqttErrorCode.MalformedPacket or MqttErrorCode.InvalidUtf8 or MqttErrorCode.NullCharacter
            or MqttErrorCode.MalformedVariableByteInteger or MqttErrorCode.StringTooLong or MqttErrorCode.ReservedFlags or MqttErrorCode.InvalidQos
            or MqttErrorCode.UnknownProperty or MqttErrorCode.InvalidPropertyValue or MqttErrorCode.ReservedPacketType or MqttErrorCode.InvalidReasonCode => MqttReasonCode.MalformedPacket,
        _ => MqttReasonCode.ProtocolError,
    };

    /// <summary>Ends the connection from outside (duplicate client id, TTL, keep-alive, injected drop).</summary>
    /// <remarks>
    /// An MQTT 5 session is told why first (<see cref="SayWhyAsync"/>). Its read is cancelled only
    /// once the client has closed (as v5 §3.14.4 asks of a DISCONNECT's receiver) or after
    /// <see cref="DisconnectGrace"/>: cancelling a pending WebSocket receive aborts the WebSocket,
    /// and Kestrel drops what the abort finds unsent, the DISCONNECT included.
    /// </remarks>
    public void Close(string reason)
    {
        _closeReason ??= reason;
        if (Volatile.Read(ref _connected) && _version == MqttVersion.V500 && ReasonFor(reason) is not null && Interlocked.Exchange(ref _saidWhy, 1) == 0)
        {
            _ = SayWhyThenCancelAsync(reason);
            return;
        }

        Cancel();
    }

    private async Task SayWhyThenCancelAsync(string reason)
    {
        try
        {
            await SayWhyAsync(reason).ConfigureAwait(false);
            await Task.WhenAny(_ended.Task, Task.Delay(DisconnectGrace)).ConfigureAwait(false);
        }
        finally
        {
            Cancel();
        }
    }

    private void Cancel()
    {
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
