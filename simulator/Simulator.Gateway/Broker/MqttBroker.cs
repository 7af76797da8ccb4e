using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Simulator.Core.Mqtt;
using Simulator.Gateway.Auth;
using Simulator.Gateway.Config;
using Simulator.Gateway.Policy;

namespace Simulator.Gateway.Broker;

/// <summary>
/// The broker behind the custom-auth front door: sessions by client id (a second connection
/// with the same id disconnects the first), routing, AWS quotas, lifecycle events, and one timer
/// for keep-alive (1.5x), disconnectAfterInSeconds and injected connection drops.
/// </summary>
public sealed partial class MqttBroker : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, MqttServerSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TokenBucket> _clientIdConnects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PersistedSession> _persisted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PendingWill> _pendingWills = new(StringComparer.Ordinal);
    private readonly TokenBucket _accountConnects;
    private readonly TokenBucket _accountSubscribes;
    private readonly TokenBucket _accountPublishesIn;
    private readonly TokenBucket _accountPublishesOut;
    private readonly TokenBucket _accountQueued;
    private readonly Timer _timer;
    private long _lifecycleVersion;

    private readonly ILogger _logger;

    public MqttBroker(CustomAuthPipeline auth, IotArn arn, QuotaOptions quotas, FaultState faults, GatewayCounters counters, TimeProvider time, ILogger? logger = null, Mqtt5Options? mqtt5 = null)
    {
        Mqtt5 = mqtt5 ?? new();
        _logger = logger ?? NullLogger.Instance;
        Auth = auth;
        Arn = arn;
        Quotas = quotas;
        Faults = faults;
        Counters = counters;
        Time = time;
        _accountConnects = new TokenBucket(quotas.ConnectsPerSecondPerAccount, time);
        _accountSubscribes = new TokenBucket(quotas.SubscriptionsPerSecondPerAccount, time);
        _accountPublishesIn = new TokenBucket(quotas.InboundPublishesPerSecondPerAccount, time);
        _accountPublishesOut = new TokenBucket(quotas.OutboundPublishesPerSecondPerAccount, time);
        _accountQueued = new TokenBucket(quotas.QueuedMessagesPerSecondPerAccount, time);
        Shadows = new Services.ShadowService(time);
        _timer = new Timer(_ => Tick(), null, 1000, 1000);
    }

    public CustomAuthPipeline Auth { get; }

    public IotArn Arn { get; }

    public QuotaOptions Quotas { get; }

    public Mqtt5Options Mqtt5 { get; }

    public FaultState Faults { get; }

    public GatewayCounters Counters { get; }

    public TimeProvider Time { get; }

    public TopicRouter Router { get; } = new();

    /// <summary>The Device Shadow service that answers requests on $aws/things/…/shadow/….</summary>
    internal Services.ShadowService Shadows { get; }

    /// <summary>The account's retained messages, one per topic.</summary>
    internal RetainedMessages Retained { get; } = new();

    public int SessionCount => _sessions.Count;

    /// <summary>Runs one MQTT connection to its end. <paramref name="preAuth"/> is set when a WebSocket upgrade already authenticated.</summary>
    public Task RunSessionAsync(IDuplexPipe transport, AuthRequest baseRequest, AuthOutcome? preAuth, CancellationToken stopping) =>
        RunSessionAsync(transport, baseRequest, preAuth, UpgradeConnectQuota.NotChecked, stopping);

    /// <summary>Runs one MQTT connection over a WebSocket whose upgrade checked the account's connect rate (<paramref name="upgradeQuota"/>).</summary>
    internal Task RunSessionAsync(IDuplexPipe transport, AuthRequest baseRequest, AuthOutcome? preAuth, UpgradeConnectQuota upgradeQuota, CancellationToken stopping)
    {
        var session = new MqttServerSession(this, transport.Input, transport.Output, baseRequest, preAuth, upgradeQuota);
        return session.RunAsync(stopping);
    }

    /// <summary>The connect rates (A.5); a throttled connect is counted under CloudWatch's name for it. <paramref name="accountTaken"/>: a WebSocket upgrade already took the account's.</summary>
    internal bool TryConnectQuota(string clientId, bool accountTaken = false)
    {
        if (!_clientIdConnects.GetOrAdd(clientId, _ => new TokenBucket(Quotas.ConnectsPerSecondPerClientId, Time)).TryTake())
        {
            Counters.Throttled("Connect.ClientIDThrottle");
            return false;
        }

        return accountTaken || TryAccountConnectQuota();
    }

    /// <summary>The account's connect rate alone, which needs no client id: a WebSocket upgrade takes it before its authorizer runs.</summary>
    internal bool TryAccountConnectQuota()
    {
        if (!_accountConnects.TryTake())
        {
            Counters.Throttled("Connect.Throttle");
            return false;
        }

        return true;
    }

    /// <summary>One line per throttled connect, as for every other denied connect.</summary>
    internal void LogThrottledConnect(string protocol, string clientId, string which) => LogThrottled(_logger, protocol, clientId, which);

    [LoggerMessage(Level = LogLevel.Information, Message = "connect throttled ({Protocol}, client {ClientId}): {Which}")]
    private static partial void LogThrottled(ILogger logger, string protocol, string clientId, string which);

    internal bool TrySubscribeQuota() => _accountSubscribes.TryTake() || Throttled("Subscribe.Throttle");

    internal bool TryPublishInQuota() => _accountPublishesIn.TryTake() || Throttled("PublishIn.Throttle");

    internal bool TryPublishOutQuota() => _accountPublishesOut.TryTake() || Throttled("PublishOut.Throttle");

    private bool Throttled(string metric)
    {
        Counters.Throttled(metric);
        return false;
    }

    /// <summary>Registers a session under its client id and returns the one it displaces.</summary>
    internal MqttServerSession? Register(MqttServerSession session)
    {
        // One version per connection, shared by its connected and disconnected events, and rising
        // with every connect, so a consumer can order a client id's events (AWS's versionNumber).
        session.LifecycleVersion = Interlocked.Increment(ref _lifecycleVersion);
        MqttServerSession? old = null;
        _sessions.AddOrUpdate(session.ClientId, session, (_, existing) =>
        {
            old = existing;
            return session;
        });
        return old;
    }

    /// <summary>
    /// Keeps a persistent session for its expiry (3.1.1 Clean Session off, v5 §4.1): its router
    /// entries stay with <paramref name="owner"/>, which stores the QoS 1 messages they route.
    /// </summary>
    internal PersistedSession Persist(MqttServerSession owner, Dictionary<string, GrantedFilter> filters, uint expirySeconds, ushort nextId, IEnumerable<StoredMessage> stored)
    {
        var kept = new PersistedSession(owner, filters, Time.GetUtcNow().AddSeconds(expirySeconds), nextId, stored);
        PersistedSession? replaced = null;
        _persisted.AddOrUpdate(owner.ClientId, kept, (_, old) =>
        {
            replaced = old;
            return kept;
        });
        if (replaced is not null)
        {
            Counters.QueuedDropped(Release(replaced).Length);
        }

        return kept;
    }

    /// <summary>The session kept for a client id and its stored messages, unless it expired; it stops being kept either way.</summary>
    internal (PersistedSession Kept, StoredMessage[] Stored)? TakePersisted(string clientId)
    {
        if (!_persisted.TryRemove(clientId, out var kept))
        {
            return null;
        }

        var stored = Release(kept);
        if (kept.ExpiresAt <= Time.GetUtcNow())
        {
            Counters.QueuedDropped(stored.Length);
            return null;
        }

        return (kept, stored);
    }

    /// <summary>Ends the keeping: the owner's router entries go, and what it stored is handed over.</summary>
    private StoredMessage[] Release(PersistedSession kept)
    {
        var stored = kept.End();
        Router.RemoveAll(kept.Owner, kept.Filters.Keys);
        return stored;
    }

    /// <summary>
    /// Publishes a Will once its connection ended without a normal DISCONNECT: at once, or at MQTT 5
    /// after its Will Delay Interval or when the session ends, whichever comes first (v5 §3.1.3.2.2).
    /// </summary>
    internal void PublishWill(MqttServerSession session, WillMessage will, uint sessionExpirySeconds)
    {
        var delay = Math.Min(will.DelaySeconds, sessionExpirySeconds);
        if (delay == 0)
        {
            _ = session.SendWillAsync(will);
            return;
        }

        var pending = new PendingWill(session, will, new CancellationTokenSource());
        if (_pendingWills.TryRemove(session.ClientId, out var earlier))
        {
            earlier.Cancel.Cancel();
            _ = earlier.Session.SendWillAsync(earlier.Will); // its session has ended now
        }

        _pendingWills[session.ClientId] = pending;
        _ = SendWillLaterAsync(pending, TimeSpan.FromSeconds(delay));
    }

    private async Task SendWillLaterAsync(PendingWill pending, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, Time, pending.Cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (_pendingWills.TryRemove(new KeyValuePair<string, PendingWill>(pending.Session.ClientId, pending)))
        {
            await pending.Session.SendWillAsync(pending.Will).ConfigureAwait(false);
        }
    }

    /// <summary>A new connection for a client id: a delayed Will is not sent if it resumed the session, and sent now if it started clean (that ended the session).</summary>
    internal void NewConnection(string clientId, bool resumed)
    {
        if (_pendingWills.TryRemove(clientId, out var pending))
        {
            pending.Cancel.Cancel();
            if (!resumed)
            {
                _ = pending.Session.SendWillAsync(pending.Will);
            }
        }
    }

    /// <summary>Persistent sessions kept for a client that is not connected now.</summary>
    public int PersistedSessions => _persisted.Count;

    /// <summary>The account's rate of messages stored for persistent sessions.</summary>
    internal bool TryQueueQuota() => _accountQueued.TryTake() || Throttled("Queued.Throttle");

    internal void Unregister(MqttServerSession session) => _sessions.TryRemove(new KeyValuePair<string, MqttServerSession>(session.ClientId, session));

    /// <summary>Delivers a message to every matching subscriber allowed to receive it.</summary>
    public ValueTask<int> RouteAsync(string topic, ReadOnlySequence<byte> payload, MqttQos qos) => RouteAsync(topic, payload, qos, ReadOnlyMemory<byte>.Empty);

    /// <summary>
    /// As above; <paramref name="properties"/> (a v5 publisher's, without its Topic Alias) go to MQTT 5
    /// subscribers only, and a subscription with No Local gets nothing whose <paramref name="publisherClientId"/> is its own.
    /// </summary>
    public async ValueTask<int> RouteAsync(string topic, ReadOnlySequence<byte> payload, MqttQos qos, ReadOnlyMemory<byte> properties, string? publisherClientId = null)
    {
        Counters.PublishedMessage();
        var delivered = 0;
        var topicArn = Arn.Topic(topic);
        foreach (var sub in Router.Match(topic))
        {
            if ((sub.NoLocal && publisherClientId is not null && string.Equals(sub.Session.ClientId, publisherClientId, StringComparison.Ordinal)) // [MQTT-3.8.3-3]
                || !sub.Session.MayReceive(topicArn) || Faults.LoseDelivery())
            {
                continue;
            }

            if (await sub.Session.DeliverAsync(topic, payload, (MqttQos)Math.Min((int)qos, (int)sub.Qos), properties).ConfigureAwait(false))
            {
                delivered++;
                Counters.DeliveredMessage();
            }
        }

        // A shared group gets the message once, at a member picked at random among those allowed
        // to receive it, as AWS IoT Core distributes it ("in a random manner").
        foreach (var members in Router.MatchShared(topic))
        {
            var allowed = Array.FindAll(members, m => m.Session.MayReceive(topicArn));
            if (allowed.Length == 0)
            {
                continue;
            }

            var pick = allowed[Random.Shared.Next(allowed.Length)];
            if (Faults.LoseDelivery())
            {
                continue;
            }

            if (await pick.Session.DeliverAsync(topic, payload, (MqttQos)Math.Min((int)qos, (int)pick.Qos), properties).ConfigureAwait(false))
            {
                delivered++;
                Counters.DeliveredMessage();
            }
        }

        return delivered;
    }

    /// <summary>$aws/events/presence/connected|disconnected/&lt;clientId&gt; (A.4).</summary>
    internal ValueTask PublishLifecycleAsync(MqttServerSession session, bool connected, string? reason)
    {
        var body = new Dictionary<string, object?>
        {
            ["clientId"] = session.ClientId,
            ["timestamp"] = Time.GetUtcNow().ToUnixTimeMilliseconds(),
            ["eventType"] = connected ? "connected" : "disconnected",
            ["sessionIdentifier"] = session.SessionId,
            ["principalIdentifier"] = session.PrincipalId,
            ["versionNumber"] = session.LifecycleVersion,
            ["ipAddress"] = session.RemoteAddress,
        };
        if (!connected)
        {
            Counters.DisconnectedBecause(reason ?? "UNKNOWN");
            body["clientInitiatedDisconnect"] = reason == DisconnectReason.ClientInitiated;
            body["disconnectReason"] = reason;
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(body, GatewayJson.Context.DictionaryStringObject);
        var topic = $"$aws/events/presence/{(connected ? "connected" : "disconnected")}/{session.ClientId}";
        return IgnoreResult(RouteAsync(topic, new ReadOnlySequence<byte>(json), MqttQos.AtMostOnce));
    }

    /// <summary>
    /// $aws/events/presence/connect_failed/&lt;clientId&gt; (life-cycle-events, "Connect attempt failure
    /// event"): a connect the authorizer or the policy refused. A client id with '#' or '+' gets no
    /// lifecycle event, as AWS says; a connect throttled before its authorizer ran is not an
    /// authorization failure and publishes none ([U]).
    /// </summary>
    internal ValueTask PublishConnectFailedAsync(string clientId, string? principalId, string? ipAddress)
    {
        if (clientId.Length == 0 || clientId.AsSpan().IndexOfAny('#', '+') >= 0)
        {
            return ValueTask.CompletedTask;
        }

        var body = new Dictionary<string, object?>
        {
            ["clientId"] = clientId,
            ["timestamp"] = Time.GetUtcNow().ToUnixTimeMilliseconds(),
            ["eventType"] = "connect_failed",
            ["failureReason"] = "AUTHORIZATION_FAILED",
            ["principalIdentifier"] = principalId,
            ["ipAddress"] = ipAddress,
        };
        var json = JsonSerializer.SerializeToUtf8Bytes(body, GatewayJson.Context.DictionaryStringObject);
        return IgnoreResult(RouteAsync("$aws/events/presence/connect_failed/" + clientId, new ReadOnlySequence<byte>(json), MqttQos.AtMostOnce));
    }

    private static async ValueTask IgnoreResult(ValueTask<int> task) => await task.ConfigureAwait(false);

    /// <summary>Client ids with a connect-rate bucket still in use (full buckets are evicted each second).</summary>
    public int TrackedClientIds => _clientIdConnects.Count;

    /// <summary>Sessions open now.</summary>
    public int Sessions => _sessions.Count;

    private void Tick()
    {
        // A bucket that has refilled is the same as a new one: forget it, so unique client ids churning keep memory flat.
        foreach (var (clientId, bucket) in _clientIdConnects)
        {
            if (bucket.IsFull)
            {
                _clientIdConnects.TryRemove(new KeyValuePair<string, TokenBucket>(clientId, bucket));
            }
        }

        var now = Time.GetUtcNow();
        foreach (var (clientId, kept) in _persisted)
        {
            if (kept.ExpiresAt <= now && _persisted.TryRemove(new KeyValuePair<string, PersistedSession>(clientId, kept)))
            {
                Counters.QueuedDropped(Release(kept).Length);
            }
        }

        foreach (var session in _sessions.Values)
        {
            session.OnTick(now);
            var drop = Faults.Current.ConnectionDropRatePerSecond;
            if (drop > 0 && Random.Shared.NextDouble() < drop)
            {
                Faults.CountInjected();
                session.Close(DisconnectReason.ConnectionLost);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync().ConfigureAwait(false);
        foreach (var pending in _pendingWills.Values)
        {
            pending.Cancel.Cancel();
        }

        foreach (var session in _sessions.Values)
        {
            session.Close(DisconnectReason.ServerInitiated);
        }
    }

    internal void LogProtocolViolation(string clientId, string problem) => LogViolation(_logger, clientId, problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT protocol violation by client '{ClientId}': {Problem}")]
    private static partial void LogViolation(ILogger logger, string clientId, string problem);

    internal static string Utf8(in ReadOnlySequence<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
