namespace Simulator.Gateway.Broker;

/// <summary>
/// A shared subscription's filter, <c>$share/{ShareName}/{TopicFilter}</c> (MQTT 5.0 §4.8.2; AWS IoT
/// Core takes it over MQTT 3.1.1 too): the share name is one level without wildcards, and the topic
/// filter after it is an ordinary filter.
/// </summary>
internal static class SharedFilter
{
    private const string Prefix = "$share/";

    /// <summary>False for an ordinary filter; true for a shared one, with <paramref name="valid"/> false where it breaks §4.8.2.</summary>
    public static bool TryParse(string filter, out string group, out string inner, out bool valid)
    {
        group = inner = string.Empty;
        valid = false;
        if (!filter.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var slash = filter.IndexOf('/', Prefix.Length);
        if (slash < 0)
        {
            return true; // [MQTT-4.8.2-2]: a share name and a topic filter
        }

        group = filter[Prefix.Length..slash];
        inner = filter[(slash + 1)..];
        valid = group.Length > 0 && group.IndexOfAny(['+', '#']) < 0 && inner.Length > 0; // [MQTT-4.8.2-1], [MQTT-4.8.2-2]
        return true;
    }
}
