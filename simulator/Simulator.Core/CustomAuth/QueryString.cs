namespace Simulator.Core.CustomAuth;

/// <summary>application/x-www-form-urlencoded parsing as Node's query-string does: '+' is a space, %XX decoded, keys case-insensitive here.</summary>
internal static class QueryString
{
    public static Dictionary<string, string> Parse(ReadOnlySpan<char> query)
    {
        if (!query.IsEmpty && query[0] == '?')
        {
            query = query[1..];
        }

        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var range in query.Split('&'))
        {
            var pair = query[range];
            if (pair.IsEmpty)
            {
                continue;
            }

            var eq = pair.IndexOf('=');
            var key = Decode(eq >= 0 ? pair[..eq] : pair);
            var value = eq >= 0 ? Decode(pair[(eq + 1)..]) : string.Empty;
            result.TryAdd(key, value); // the first occurrence wins
        }

        return result;
    }

    public static string Decode(ReadOnlySpan<char> text)
    {
        var s = text.ToString().Replace('+', ' ');
        try
        {
            return Uri.UnescapeDataString(s);
        }
        catch (UriFormatException)
        {
            return s;
        }
    }
}
