namespace Simulator.Gateway.Services;

/// <summary>
/// A Device Shadow request topic, parsed (AWS IoT Developer Guide, "Device Shadow MQTT topics"):
/// <c>$aws/things/{thing}/shadow/{get|update|delete}</c> for the classic shadow and
/// <c>$aws/things/{thing}/shadow/name/{name}/{get|update|delete}</c> for a named one.
/// </summary>
internal readonly record struct ShadowTopic(string Thing, string? Name, string Operation)
{
    private const string Prefix = "$aws/things/";

    /// <summary>The topics its answers go to: <c>{request}/accepted</c>, <c>/rejected</c>, and for an update <c>/delta</c> and <c>/documents</c>.</summary>
    public string Response(string suffix) => $"{Base}/{Operation}/{suffix}";

    /// <summary>The shadow's own topic root: <c>$aws/things/{thing}/shadow</c> or <c>…/shadow/name/{name}</c>.</summary>
    public string Base => Name is null ? $"{Prefix}{Thing}/shadow" : $"{Prefix}{Thing}/shadow/name/{Name}";

    /// <summary>The shadow's key: its thing and name.</summary>
    public string Key => Name is null ? Thing : $"{Thing}\n{Name}";

    /// <summary>A request topic, or false for any other topic (a response topic, another reserved topic, a device's own).</summary>
    public static bool TryParse(string topic, out ShadowTopic parsed)
    {
        parsed = default;
        if (!topic.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = topic[Prefix.Length..].Split('/');
        if (parts.Length == 3 && parts[1] == "shadow" && IsOperation(parts[2]) && parts[0].Length > 0)
        {
            parsed = new ShadowTopic(parts[0], null, parts[2]);
            return true;
        }

        if (parts.Length == 5 && parts[1] == "shadow" && parts[2] == "name" && parts[3].Length > 0 && IsOperation(parts[4]) && parts[0].Length > 0)
        {
            parsed = new ShadowTopic(parts[0], parts[3], parts[4]);
            return true;
        }

        return false;
    }

    private static bool IsOperation(string op) => op is "get" or "update" or "delete";
}
