using Simulator.Core.Mqtt;

namespace Simulator.Gateway.Broker;

/// <summary>
/// A persistent session kept after its connection ended, for its expiry (3.1.1 Clean Session off;
/// MQTT 5 §4.1 Session Expiry), as AWS keeps one (mqtt-persistent-sessions): its subscriptions,
/// still routed to <see cref="Owner"/>, and the QoS 1 messages stored for it meanwhile. A
/// reconnect without a clean start takes it (<see cref="End"/>) and gets both back.
/// </summary>
internal sealed class PersistedSession
{
    private readonly Lock _gate = new();
    private readonly Queue<StoredMessage> _stored;
    private bool _ended;

    public PersistedSession(MqttServerSession owner, IReadOnlyDictionary<string, GrantedFilter> filters, DateTimeOffset expiresAt, ushort nextId, IEnumerable<StoredMessage> stored)
    {
        Owner = owner;
        Filters = filters;
        ExpiresAt = expiresAt;
        NextId = nextId;
        _stored = new Queue<StoredMessage>(stored);
    }

    /// <summary>The ended connection whose router entries store messages for the session.</summary>
    public MqttServerSession Owner { get; }

    public IReadOnlyDictionary<string, GrantedFilter> Filters { get; }

    public DateTimeOffset ExpiresAt { get; }

    /// <summary>The last packet id used, so a resumed session's new ids never reuse a stored message's.</summary>
    public ushort NextId { get; }

    /// <summary>Stores a message unless the session has ended or holds <paramref name="max"/> already.</summary>
    public bool TryStore(in StoredMessage message, int max)
    {
        lock (_gate)
        {
            if (_ended || _stored.Count >= max)
            {
                return false;
            }

            _stored.Enqueue(message);
            return true;
        }
    }

    /// <summary>Ends the keeping (resumed, cleaned or expired) and hands over what was stored, oldest first.</summary>
    public StoredMessage[] End()
    {
        lock (_gate)
        {
            _ended = true;
            var all = _stored.ToArray();
            _stored.Clear();
            return all;
        }
    }
}
