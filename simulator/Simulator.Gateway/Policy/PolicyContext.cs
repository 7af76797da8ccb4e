namespace Simulator.Gateway.Policy;

/// <summary>
/// What policy variables resolve to for one request: the MQTT connection's client id, or none (an
/// HTTPS publish has no client id); and, for an iot:Connect, the CONNECT's attributes
/// (<c>PersistentConnect</c>, <c>LastWill</c>) that an <c>iot:ConnectAttributes</c> condition reads.
/// A custom authorizer's principal is never attached to a thing and has no certificate, so the thing
/// and certificate variables (<c>${iot:Connection.Thing.*}</c>, <c>${iot:Certificate.*}</c>) never
/// resolve: AWS says such a variable "won't be resolved and will result in an access denied error"
/// (thing-policy-examples), and a statement that names one matches nothing here either.
/// </summary>
public sealed record PolicyContext(string? ClientId, IReadOnlyList<string>? ConnectAttributes = null)
{
    /// <summary>An HTTPS publish: nothing connected with a client id, so ${iot:ClientId} resolves to nothing.</summary>
    public static PolicyContext Http { get; } = new(ClientId: null);

    /// <summary>
    /// Substitutes ${iot:ClientId}, its value literal (a client
    /// id of "*" matches only "*"), and IAM's $(*), $(?) and $($) as the literal characters.
    /// Null when the pattern names a variable this request has no value for: it then matches nothing.
    /// </summary>
    public string? Substitute(string pattern)
    {
        if (!pattern.Contains('$', StringComparison.Ordinal))
        {
            return pattern;
        }

        if ((ClientId is null && pattern.Contains("${iot:ClientId}", StringComparison.Ordinal))
            || pattern.Contains("${iot:Connection.Thing.", StringComparison.Ordinal)
            || pattern.Contains("${iot:Certificate.", StringComparison.Ordinal))
        {
            return null;
        }

        return pattern
            .Replace("$(*)", Glob.Literal("*"), StringComparison.Ordinal)
            .Replace("$(?)", Glob.Literal("?"), StringComparison.Ordinal)
            .Replace("$($)", "$", StringComparison.Ordinal)
            .Replace("${iot:ClientId}", Glob.Literal(ClientId ?? string.Empty), StringComparison.Ordinal);
    }
}
