using System.Buffers;
using System.Collections.Concurrent;
using Simulator.Core.Mqtt;

namespace Simulator.Gateway.Broker;

/// <summary>
/// Retained messages as AWS IoT Core keeps them (developer guide, "MQTT retained messages"; MQTT
/// 3.1.1 §3.3.1.3, 5.0 §3.3.1.3): at most one per topic, replaced by the next retained PUBLISH to
/// it and deleted by one with an empty payload, and sent to each new subscription whose filter
/// matches. Kept in memory for the gateway's life (AWS keeps them up to three years).
/// Thread-safe: every session's receive loop sets and reads them.
/// </summary>
internal sealed class RetainedMessages
{
    private readonly ConcurrentDictionary<string, RetainedMessage> _byTopic = new(StringComparer.Ordinal);

    /// <summary>How many topics hold a retained message.</summary>
    public int Count => _byTopic.Count;

    /// <summary>Keeps <paramref name="payload"/> as the topic's retained message; an empty one deletes it ([MQTT-3.3.1-10], [MQTT-3.3.1-11]).</summary>
    public void Set(string topic, ReadOnlySequence<byte> payload, MqttQos qos, ReadOnlyMemory<byte> properties)
    {
        if (payload.IsEmpty)
        {
            _byTopic.TryRemove(topic, out _);
            return;
        }

        _byTopic[topic] = new RetainedMessage(topic, payload.ToArray(), qos, properties.ToArray());
    }

    /// <summary>The retained messages a new subscription to <paramref name="filter"/> gets: one lookup for a plain topic, a scan for a wildcard filter.</summary>
    public List<RetainedMessage> Matching(string filter)
    {
        if (filter.AsSpan().IndexOfAny('+', '#') < 0)
        {
            return _byTopic.TryGetValue(filter, out var one) ? [one] : [];
        }

        var found = new List<RetainedMessage>();
        foreach (var (topic, message) in _byTopic)
        {
            if (MqttTopic.Matches(filter, topic))
            {
                found.Add(message);
            }
        }

        return found;
    }
}
