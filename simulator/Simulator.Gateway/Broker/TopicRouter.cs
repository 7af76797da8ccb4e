using Simulator.Core.Mqtt;

namespace Simulator.Gateway.Broker;

/// <summary>
/// In-memory routing with '+' and '#' (MQTT §4.7). Filters are indexed by their first level, so
/// a fleet of devices each subscribed under its own ICCID costs one dictionary lookup per
/// publish, not a scan of every subscription; filters starting with a wildcard are scanned.
/// Shared subscriptions (<see cref="SharedFilter"/>) are kept apart, by their whole filter: each is
/// one group, and <see cref="MatchShared"/> gives the groups a topic reaches.
/// </summary>
public sealed class TopicRouter
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Subscription>> _byFirstLevel = new(StringComparer.Ordinal);
    private readonly List<Subscription> _wildcardFirst = [];
    private readonly Dictionary<string, SharedGroup> _shared = new(StringComparer.Ordinal);

    public int Count { get; private set; }

    public void Add(MqttServerSession session, string filter, MqttQos qos, bool noLocal = false)
    {
        lock (_gate)
        {
            if (SharedFilter.TryParse(filter, out _, out var inner, out _))
            {
                if (!_shared.TryGetValue(filter, out var group))
                {
                    _shared[filter] = group = new SharedGroup(filter, inner);
                }

                var member = group.Members.FindIndex(s => s.Session == session);
                if (member >= 0)
                {
                    group.Members[member] = new Subscription(session, filter, qos);
                }
                else
                {
                    group.Members.Add(new Subscription(session, filter, qos));
                    Count++;
                }

                return;
            }

            var list = ListFor(filter, create: true)!;
            var existing = list.FindIndex(s => s.Session == session && s.Filter == filter);
            if (existing >= 0)
            {
                list[existing] = new Subscription(session, filter, qos, noLocal); // §3.8.4: a repeated filter replaces the old
            }
            else
            {
                list.Add(new Subscription(session, filter, qos, noLocal));
                Count++;
            }
        }
    }

    public void Remove(MqttServerSession session, string filter)
    {
        lock (_gate)
        {
            if (RemoveShared(session, filter))
            {
                return;
            }

            var list = ListFor(filter, create: false);
            if (list is not null)
            {
                Count -= list.RemoveAll(s => s.Session == session && s.Filter == filter);
                DropIfEmpty(filter, list);
            }
        }
    }

    public void RemoveAll(MqttServerSession session, IEnumerable<string> filters)
    {
        lock (_gate)
        {
            foreach (var filter in filters)
            {
                if (RemoveShared(session, filter))
                {
                    continue;
                }

                var list = ListFor(filter, create: false);
                if (list is not null)
                {
                    Count -= list.RemoveAll(s => s.Session == session);
                    DropIfEmpty(filter, list);
                }
            }
        }
    }

    /// <summary>Subscriptions whose filter matches the topic, one per session at the highest QoS (§3.3.5).</summary>
    public List<Subscription> Match(string topic)
    {
        var result = new List<Subscription>();
        var slash = topic.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? topic : topic[..slash];
        lock (_gate)
        {
            if (_byFirstLevel.TryGetValue(first, out var list))
            {
                Collect(list, topic, result);
            }

            Collect(_wildcardFirst, topic, result);
        }

        return result;
    }

    /// <summary>The shared groups whose topic filter matches the topic: each group's members, copied, of which one is to get the message.</summary>
    public List<Subscription[]> MatchShared(string topic)
    {
        var result = new List<Subscription[]>();
        lock (_gate)
        {
            foreach (var group in _shared.Values)
            {
                if (MqttTopic.Matches(group.TopicFilter, topic))
                {
                    result.Add([.. group.Members]);
                }
            }
        }

        return result;
    }

    /// <summary>Shared groups with at least one member.</summary>
    public int SharedGroups
    {
        get
        {
            lock (_gate)
            {
                return _shared.Count;
            }
        }
    }

    /// <summary>Under the lock: true when the filter is a shared one (handled here, whether or not the session was in it).</summary>
    private bool RemoveShared(MqttServerSession session, string filter)
    {
        if (!SharedFilter.TryParse(filter, out _, out _, out _))
        {
            return false;
        }

        if (_shared.TryGetValue(filter, out var group))
        {
            Count -= group.Members.RemoveAll(s => s.Session == session);
            if (group.Members.Count == 0)
            {
                _shared.Remove(filter); // churning consumers leave nothing behind
            }
        }

        return true;
    }

    private static void Collect(List<Subscription> list, string topic, List<Subscription> result)
    {
        foreach (var s in list)
        {
            if (!MqttTopic.Matches(s.Filter, topic))
            {
                continue;
            }

            var i = result.FindIndex(r => r.Session == s.Session);
            if (i < 0)
            {
                result.Add(s);
            }
            else if (s.Qos > result[i].Qos)
            {
                result[i] = s;
            }
        }
    }

    /// <summary>First levels with at least one subscription (an empty one is removed, so unique client ids churning leave nothing behind).</summary>
    public int Routes
    {
        get
        {
            lock (_gate)
            {
                return _byFirstLevel.Count;
            }
        }
    }

    private void DropIfEmpty(string filter, List<Subscription> list)
    {
        if (list.Count == 0 && !ReferenceEquals(list, _wildcardFirst))
        {
            var slash = filter.IndexOf('/', StringComparison.Ordinal);
            _byFirstLevel.Remove(slash < 0 ? filter : filter[..slash]);
        }
    }

    private List<Subscription>? ListFor(string filter, bool create)
    {
        var slash = filter.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? filter : filter[..slash];
        if (first is "+" or "#")
        {
            return _wildcardFirst;
        }

        if (!_byFirstLevel.TryGetValue(first, out var list) && create)
        {
            list = [];
            _byFirstLevel[first] = list;
        }

        return list;
    }
}
