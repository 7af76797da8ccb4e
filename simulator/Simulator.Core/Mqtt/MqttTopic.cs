using System.Buffers;

namespace Simulator.Core.Mqtt;

/// <summary>Topic names and filters, MQTT 3.1.1 §4.7.</summary>
internal static class MqttTopic
{
    /// <summary>A PUBLISH topic: at least one byte [MQTT-4.7.3-1], no wildcards [MQTT-3.3.2-2].</summary>
    public static void ValidateTopicName(in ReadOnlySequence<byte> topic)
    {
        if (topic.IsEmpty)
        {
            MqttProtocolException.Throw(MqttErrorCode.EmptyTopic, "[MQTT-4.7.3-1]", "topic name is empty");
        }

        foreach (var segment in topic)
        {
            if (segment.Span.IndexOfAny((byte)'+', (byte)'#') >= 0)
            {
                MqttProtocolException.Throw(MqttErrorCode.WildcardInTopicName, "[MQTT-3.3.2-2]", "PUBLISH topic name contains a wildcard");
            }
        }
    }

    /// <summary>
    /// What a writer checks before it sends a PUBLISH topic: at least one byte [MQTT-4.7.3-1], at
    /// most 65,535 [MQTT-4.7.3-3], no wildcards [MQTT-3.3.2-2], no NUL [MQTT-1.5.3-2].
    /// Allocation-free: it runs on the publish path.
    /// </summary>
    public static void ValidateTopicName(ReadOnlySpan<byte> topic)
    {
        if (topic.IsEmpty)
        {
            MqttProtocolException.Throw(MqttErrorCode.EmptyTopic, "[MQTT-4.7.3-1]", "topic name is empty");
        }

        if (topic.Length > ushort.MaxValue)
        {
            MqttProtocolException.Throw(MqttErrorCode.StringTooLong, "[MQTT-4.7.3-3]", $"topic name of {topic.Length} bytes is over 65,535");
        }

        var bad = topic.IndexOfAny((byte)'+', (byte)'#', (byte)0);
        if (bad >= 0)
        {
            if (topic[bad] == 0)
            {
                MqttProtocolException.Throw(MqttErrorCode.NullCharacter, "[MQTT-1.5.3-2]", "topic name contains U+0000");
            }

            MqttProtocolException.Throw(MqttErrorCode.WildcardInTopicName, "[MQTT-3.3.2-2]", "PUBLISH topic name contains a wildcard");
        }
    }

    /// <summary>'#' alone in the last level [MQTT-4.7.1-2]; '+' a whole level [MQTT-4.7.1-3].</summary>
    public static void ValidateTopicFilter(string filter)
    {
        if (filter.Length == 0)
        {
            MqttProtocolException.Throw(MqttErrorCode.EmptyTopic, "[MQTT-4.7.3-1]", "topic filter is empty");
        }

        if (filter.Contains('\0', StringComparison.Ordinal))
        {
            MqttProtocolException.Throw(MqttErrorCode.NullCharacter, "[MQTT-1.5.3-2]", "topic filter contains U+0000");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(filter) > ushort.MaxValue)
        {
            MqttProtocolException.Throw(MqttErrorCode.StringTooLong, "[MQTT-4.7.3-3]", "topic filter is over 65,535 bytes");
        }

        var levels = filter.Split('/');
        for (var i = 0; i < levels.Length; i++)
        {
            var level = levels[i];
            var hash = level.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0 && (level.Length != 1 || i != levels.Length - 1))
            {
                MqttProtocolException.Throw(MqttErrorCode.InvalidTopicFilter, "[MQTT-4.7.1-2]", "'#' must be alone in the last level");
            }

            if (level.Contains('+', StringComparison.Ordinal) && level.Length != 1)
            {
                MqttProtocolException.Throw(MqttErrorCode.InvalidTopicFilter, "[MQTT-4.7.1-3]", "'+' must occupy a whole level");
            }
        }
    }

    /// <summary>Whether a topic name matches a filter (§4.7.1, §4.7.2: '$' topics match no leading wildcard).</summary>
    public static bool Matches(ReadOnlySpan<char> filter, ReadOnlySpan<char> topic)
    {
        if (topic.Length > 0 && topic[0] == '$' && filter.Length > 0 && filter[0] is '+' or '#')
        {
            return false;
        }

        while (true)
        {
            if (filter.SequenceEqual("#"))
            {
                return true;
            }

            var fs = filter.IndexOf('/');
            var ts = topic.IndexOf('/');
            var fLevel = fs < 0 ? filter : filter[..fs];
            var tLevel = ts < 0 ? topic : topic[..ts];
            if (!(fLevel.SequenceEqual("+") || fLevel.SequenceEqual(tLevel)))
            {
                return false;
            }

            if (fs < 0 && ts < 0)
            {
                return true;
            }

            if (ts < 0)
            {
                // "a/#" also matches "a" (§4.7.1.2).
                return filter[(fs + 1)..].SequenceEqual("#");
            }

            if (fs < 0)
            {
                return false;
            }

            filter = filter[(fs + 1)..];
            topic = topic[(ts + 1)..];
        }
    }
}
