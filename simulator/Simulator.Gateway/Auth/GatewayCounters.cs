using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Simulator.Gateway.Auth;

/// <summary>Connections, allows, denies by reason and authorizer latency; also System.Diagnostics.Metrics instruments for dotnet-counters.</summary>
public sealed class GatewayCounters : IDisposable
{
    private readonly Meter _meter = new("Simulator.Gateway");
    private readonly ConcurrentDictionary<DenyReason, long> _denies = new();
    private readonly ConcurrentDictionary<string, long> _throttles = new(StringComparer.Ordinal);
    private readonly Histogram<double> _authLatency;
    private long _connections;
    private long _connectsAccepted;
    private long _allows;
    private long _httpAuthCacheHits;
    private long _queuedExpired;
    private long _authorizerCalls;
    private long _authorizerMicros;
    private long _published;
    private long _delivered;
    private long _subscriptions;
    private long _disconnects;
    private volatile LambdaFunction[] _functions = [];

    public GatewayCounters()
    {
        // Per authorizer function: what a Lambda dashboard shows (invocations, concurrency, throttles, cold starts).
        _meter.CreateObservableCounter("gateway.authorizer.invocations", () => _functions.Select(f => new Measurement<long>(f.Invocations, new KeyValuePair<string, object?>("authorizer", f.Name))));
        _meter.CreateObservableCounter("gateway.authorizer.refresh_invocations", () => _functions.Select(f => new Measurement<long>(f.RefreshInvocations, new KeyValuePair<string, object?>("authorizer", f.Name))));
        _meter.CreateObservableGauge("gateway.authorizer.in_flight", () => _functions.Select(f => new Measurement<int>(f.InFlight, new KeyValuePair<string, object?>("authorizer", f.Name))));
        _meter.CreateObservableCounter("gateway.authorizer.throttles", () => _functions.Select(f => new Measurement<long>(f.Throttles, new KeyValuePair<string, object?>("authorizer", f.Name))));
        _meter.CreateObservableCounter("gateway.authorizer.scaling_throttles", () => _functions.Select(f => new Measurement<long>(f.ScalingThrottles, new KeyValuePair<string, object?>("authorizer", f.Name))));
        _meter.CreateObservableCounter("gateway.authorizer.account_throttles", () => _functions.Select(f => new Measurement<long>(f.AccountThrottles, new KeyValuePair<string, object?>("authorizer", f.Name))));
        _meter.CreateObservableCounter("gateway.authorizer.cold_starts", () => _functions.Select(f => new Measurement<long>(f.ColdStarts, new KeyValuePair<string, object?>("authorizer", f.Name))));
        _meter.CreateObservableCounter("gateway.authorizer.timeouts", () => _functions.Select(f => new Measurement<long>(f.Timeouts, new KeyValuePair<string, object?>("authorizer", f.Name))));
        _meter.CreateObservableGauge("gateway.connections", () => Interlocked.Read(ref _connections));
        _meter.CreateObservableCounter("gateway.allows", () => Interlocked.Read(ref _allows));
        _meter.CreateObservableCounter("gateway.published", () => Interlocked.Read(ref _published));
        _authLatency = _meter.CreateHistogram<double>("gateway.authorizer.latency", "ms");
    }

    public long Connections => Interlocked.Read(ref _connections);

    public long ConnectsAccepted => Interlocked.Read(ref _connectsAccepted);

    public long Allows => Interlocked.Read(ref _allows);

    public long AuthorizerCalls => Interlocked.Read(ref _authorizerCalls);

    public long Published => Interlocked.Read(ref _published);

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Disconnects => Interlocked.Read(ref _disconnects);

    public double MeanAuthorizerMs => AuthorizerCalls == 0 ? 0 : Interlocked.Read(ref _authorizerMicros) / 1000.0 / AuthorizerCalls;

    public IReadOnlyDictionary<DenyReason, long> Denies => _denies;

    public void Connected()
    {
        Interlocked.Increment(ref _connections);
        Interlocked.Increment(ref _connectsAccepted);
    }

    public void Disconnected()
    {
        Interlocked.Decrement(ref _connections);
        Interlocked.Increment(ref _disconnects);
    }

    public void Allowed() => Interlocked.Increment(ref _allows);

    /// <summary>An HTTPS publish authorized from its connection's cached answer (enableCachingForHttp), without invoking the authorizer.</summary>
    public void HttpAuthCacheHit() => Interlocked.Increment(ref _httpAuthCacheHits);

    public long HttpAuthCacheHits => Interlocked.Read(ref _httpAuthCacheHits);

    public void Denied(DenyReason reason) => _denies.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public void AuthorizerCalled(double ms)
    {
        Interlocked.Increment(ref _authorizerCalls);
        Interlocked.Add(ref _authorizerMicros, (long)(ms * 1000));
        _authLatency.Record(ms);
    }

    public void PublishedMessage() => Interlocked.Increment(ref _published);

    /// <summary>Sessions ended, by the lifecycle event's disconnectReason (CUSTOMAUTH_TTL_EXPIRATION, CLIENT_INITIATED_DISCONNECT, …).</summary>
    public IReadOnlyDictionary<string, long> DisconnectReasons => _disconnectReasons;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _disconnectReasons = new(StringComparer.Ordinal);

    public void DisconnectedBecause(string reason) => _disconnectReasons.AddOrUpdate(reason, 1, static (_, n) => n + 1);

    public void DeliveredMessage() => Interlocked.Increment(ref _delivered);

    /// <summary>Topic filters granted in SUBACKs (a resumed MQTT 5 session's kept ones are not granted again).</summary>
    public long Subscriptions => Interlocked.Read(ref _subscriptions);

    public void Subscribed() => Interlocked.Increment(ref _subscriptions);

    /// <summary>Subscribers disconnected because they stopped reading while messages kept coming.</summary>
    public long SlowConsumers => Interlocked.Read(ref _slowConsumers);

    private long _slowConsumers;

    public void SlowConsumer() => Interlocked.Increment(ref _slowConsumers);

    private long _queued;
    private long _queuedDelivered;
    private long _queuedDropped;

    /// <summary>QoS 1 messages stored for a persistent session whose device was away (unacknowledged ones included).</summary>
    public long MessagesQueued => Interlocked.Read(ref _queued);

    /// <summary>Stored messages sent once their session resumed.</summary>
    public long QueuedMessagesDelivered => Interlocked.Read(ref _queuedDelivered);

    /// <summary>Messages not stored or thrown away: over a session's cap or the account's rate, or with a session that expired or started clean.</summary>
    public long QueuedMessagesDropped => Interlocked.Read(ref _queuedDropped);

    private long _willsSent;
    private long _willsDenied;

    /// <summary>Will messages published for connections that ended without a normal DISCONNECT.</summary>
    public long WillsSent => Interlocked.Read(ref _willsSent);

    /// <summary>Will messages not published because the policy the connection held when it ended no longer allowed them (a CONNECT whose Will its policy refused is refused itself).</summary>
    public long WillsDenied => Interlocked.Read(ref _willsDenied);

    private long _retainedDelivered;

    /// <summary>Retained messages sent to new subscriptions.</summary>
    public long RetainedDelivered => Interlocked.Read(ref _retainedDelivered);

    public void WillSent() => Interlocked.Increment(ref _willsSent);

    public void WillDenied() => Interlocked.Increment(ref _willsDenied);

    /// <summary>A retained message sent to a new subscription.</summary>
    public void RetainedSent() => Interlocked.Increment(ref _retainedDelivered);

    public void Queued() => Interlocked.Increment(ref _queued);

    public void QueuedDelivered() => Interlocked.Increment(ref _queuedDelivered);

    public void QueuedDropped(long n = 1) => Interlocked.Add(ref _queuedDropped, n);

    /// <summary>A stored message whose Message Expiry Interval passed before its session came back: not delivered.</summary>
    public void QueuedExpired() => Interlocked.Increment(ref _queuedExpired);

    public long QueuedExpiredCount => Interlocked.Read(ref _queuedExpired);

    public object Snapshot() => new Dictionary<string, object>
    {
        ["connections"] = Connections,
        ["connectsAccepted"] = ConnectsAccepted,
        ["disconnects"] = Disconnects,
        ["allows"] = Allows,
        ["httpAuthCacheHits"] = HttpAuthCacheHits,
        ["queuedExpired"] = QueuedExpiredCount,
        ["authorizerCalls"] = AuthorizerCalls,
        ["authorizerMeanMs"] = Math.Round(MeanAuthorizerMs, 3),
        ["published"] = Published,
        ["delivered"] = Delivered,
        ["slowConsumers"] = SlowConsumers,
        ["messagesQueued"] = MessagesQueued,
        ["queuedMessagesDelivered"] = QueuedMessagesDelivered,
        ["queuedMessagesDropped"] = QueuedMessagesDropped,
        ["willsSent"] = WillsSent,
        ["willsDenied"] = WillsDenied,
        ["retainedDelivered"] = RetainedDelivered,
        ["denies"] = _denies.ToDictionary(kv => kv.Key.ToString(), kv => (object)kv.Value),
        ["disconnectReasons"] = _disconnectReasons.ToDictionary(kv => kv.Key, kv => (object)kv.Value),
        ["throttles"] = _throttles.ToDictionary(kv => kv.Key, kv => (object)kv.Value),
        ["lambdaAccount"] = LambdaAccount is { } account
            ? account.Available == int.MaxValue
                ? new Dictionary<string, object> { ["inUse"] = account.InUse } // unlimited: no figure to report
                : new Dictionary<string, object> { ["available"] = account.Available, ["inUse"] = account.InUse }
            : new Dictionary<string, object>(),
        ["authorizers"] = _functions.ToDictionary(f => f.Name, f => (object)new Dictionary<string, object>
        {
            ["invocations"] = f.Invocations,
            ["refreshInvocations"] = f.RefreshInvocations,
            ["inFlight"] = f.InFlight,
            ["instances"] = f.Instances,
            ["throttles"] = f.Throttles,
            ["scalingThrottles"] = f.ScalingThrottles,
            ["accountThrottles"] = f.AccountThrottles,
            ["coldStarts"] = f.ColdStarts,
            ["timeouts"] = f.Timeouts,
            ["durationP50Ms"] = Math.Round(f.DurationPercentileMs(50), 3),
            ["durationP99Ms"] = Math.Round(f.DurationPercentileMs(99), 3),
        }),
    };

    /// <summary>The account's shared Lambda concurrency, reported beside the functions.</summary>
    public LambdaAccount? LambdaAccount { get; set; }

    /// <summary>The authorizer functions whose counters the snapshot and the meter report.</summary>
    public IReadOnlyList<LambdaFunction> Functions
    {
        get => _functions;
        set => _functions = [.. value];
    }

    /// <summary>Throttled requests by CloudWatch's metric name: Connect.Throttle, Connect.ClientIDThrottle, PublishIn.Throttle, PublishOut.Throttle, Subscribe.Throttle.</summary>
    public IReadOnlyDictionary<string, long> Throttles => _throttles;

    public void Throttled(string metric) => _throttles.AddOrUpdate(metric, 1, static (_, n) => n + 1);

    public void Dispose() => _meter.Dispose();
}
