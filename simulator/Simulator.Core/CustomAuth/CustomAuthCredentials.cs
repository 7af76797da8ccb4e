namespace Simulator.Core.CustomAuth;

/// <summary>
/// What a device presents to an AWS IoT custom authorizer (spec/protocols.md A.1): the authorizer
/// name, the token under its key name, and the token signature. One type for every transport;
/// each transport places the values differently (headers, query string, MQTT username).
/// </summary>
internal sealed record CustomAuthCredentials(string? AuthorizerName, string TokenKeyName, string Token, string? Signature)
{
    public const string AuthorizerNameKey = "x-amz-customauthorizer-name";
    public const string SignatureKey = "x-amz-customauthorizer-signature";

    /// <summary>
    /// The MQTT username form: <c>user?x-amz-customauthorizer-name=…&amp;x-amz-customauthorizer-signature=…&amp;token=…</c>,
    /// each value URL-encoded (A.1 "should be URL encoded"), in the 1NCE seed's order.
    /// </summary>
    public string ToUsername(string user)
    {
        var query = ToQuery();
        return query.Length == 0 ? user : $"{user}?{query}";
    }

    /// <summary>The query string form, without the leading '?'.</summary>
    public string ToQuery()
    {
        var parts = new List<string>(3);
        if (AuthorizerName is not null)
        {
            parts.Add($"{AuthorizerNameKey}={Uri.EscapeDataString(AuthorizerName)}");
        }

        if (Signature is not null)
        {
            parts.Add($"{SignatureKey}={Uri.EscapeDataString(Signature)}");
        }

        parts.Add($"{Uri.EscapeDataString(TokenKeyName)}={Uri.EscapeDataString(Token)}");
        return string.Join('&', parts);
    }

    /// <summary>Header name/value pairs for the WebSocket upgrade or HTTPS publish; values not encoded.</summary>
    public IEnumerable<KeyValuePair<string, string>> ToHeaders()
    {
        if (AuthorizerName is not null)
        {
            yield return new(AuthorizerNameKey, AuthorizerName);
        }

        if (Signature is not null)
        {
            yield return new(SignatureKey, Signature);
        }

        yield return new(TokenKeyName, Token);
    }

    /// <summary>
    /// Splits an MQTT username as the 1NCE seed's client does (<c>queryString.parse(username.split("?")[1])</c>).
    /// Returns null when it carries no token under <paramref name="tokenKeyName"/>.
    /// </summary>
    public static CustomAuthCredentials? FromUsername(string username, string tokenKeyName, out string user)
    {
        var q = username.IndexOf('?', StringComparison.Ordinal);
        user = q >= 0 ? username[..q] : username;
        return q >= 0 ? FromQuery(username.AsSpan(q + 1), tokenKeyName) : null;
    }

    /// <summary>Reads the custom-auth values from a query string (with or without '?'); keys are case-insensitive.</summary>
    public static CustomAuthCredentials? FromQuery(ReadOnlySpan<char> query, string tokenKeyName)
    {
        var values = QueryString.Parse(query);
        return FromLookup(k => values.TryGetValue(k, out var v) ? v : null, tokenKeyName);
    }

    /// <summary>Builds credentials from any name → value source (headers, query), names compared case-insensitively by the source.</summary>
    public static CustomAuthCredentials? FromLookup(Func<string, string?> lookup, string tokenKeyName)
    {
        var token = lookup(tokenKeyName);
        if (token is null)
        {
            return null;
        }

        return new CustomAuthCredentials(lookup(AuthorizerNameKey), tokenKeyName, token, lookup(SignatureKey));
    }

    /// <summary>Redacted for logs: the token and signature never appear.</summary>
    public override string ToString() =>
        $"CustomAuthCredentials {{ AuthorizerName = {AuthorizerName}, TokenKeyName = {TokenKeyName}, Token = <{Token.Length} chars>, Signature = {(Signature is null ? "none" : "<present>")} }}";
}
