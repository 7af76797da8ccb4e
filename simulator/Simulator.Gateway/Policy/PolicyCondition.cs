namespace Simulator.Gateway.Policy;

/// <summary>
/// One condition of a statement, as IAM writes it: <c>"Condition": { "ForAllValues:StringEquals":
/// { "iot:ConnectAttributes": ["PersistentConnect"] } }</c>. The gateway evaluates
/// <c>iot:ConnectAttributes</c> only (AWS IoT's connect attributes, <c>PersistentConnect</c> and
/// <c>LastWill</c>); a policy with any other key is refused when parsed, never judged without it.
/// </summary>
public sealed record PolicyCondition(string Operator, string Key, IReadOnlyList<string> Values)
{
    public const string ConnectAttributes = "iot:ConnectAttributes";

    /// <summary>The operators IAM defines for a multivalued key, and the plain one.</summary>
    public static readonly IReadOnlyList<string> Operators = ["ForAllValues:StringEquals", "ForAnyValue:StringEquals", "StringEquals"];

    /// <summary>
    /// IAM's rules for a multivalued key: ForAllValues holds when every value the request has is
    /// listed (so also when it has none, or the key is absent); ForAnyValue and StringEquals when
    /// at least one is. Only an iot:Connect request carries connect attributes.
    /// </summary>
    public bool Holds(PolicyContext context)
    {
        var present = context.ConnectAttributes ?? [];
        return Operator switch
        {
            "ForAllValues:StringEquals" => present.All(v => Values.Contains(v, StringComparer.Ordinal)),
            _ => present.Any(v => Values.Contains(v, StringComparer.Ordinal)),
        };
    }
}
