using System.Text.Json;

namespace Simulator.Gateway.Policy;

/// <summary>
/// AWS IoT policies as the authorizer returns them (A.3): documents of statements; an explicit
/// Deny wins, then any Allow, else deny. Resources are ARNs such as
/// <c>arn:aws:iot:eu-central-1:123456789012:topic/&lt;iccid&gt;/*</c>.
/// </summary>
public sealed class IotPolicy
{
    private readonly List<PolicyStatement> _statements;

    public IotPolicy(IEnumerable<PolicyStatement> statements)
    {
        _statements = [.. statements];
    }

    public IReadOnlyList<PolicyStatement> Statements => _statements;

    public static IotPolicy Parse(IEnumerable<string> documents)
    {
        var statements = new List<PolicyStatement>();
        foreach (var doc in documents)
        {
            using var json = JsonDocument.Parse(doc);
            if (!json.RootElement.TryGetProperty("Statement", out var list))
            {
                throw new FormatException("policy document has no Statement");
            }

            foreach (var s in list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : Enumerable.Repeat(list, 1))
            {
                var effect = s.GetProperty("Effect").GetString();
                if (effect is not ("Allow" or "Deny"))
                {
                    throw new FormatException($"Effect must be Allow or Deny, got '{effect}'");
                }

                statements.Add(new PolicyStatement(effect == "Allow", Strings(s.GetProperty("Action")), Strings(s.GetProperty("Resource")), Conditions(s)));
            }
        }

        return new IotPolicy(statements);
    }

    public bool IsAllowed(string action, string resourceArn, PolicyContext context)
    {
        var allowed = false;
        foreach (var s in _statements)
        {
            if (!s.Actions.Any(a => Glob.IsMatch(a, action, ignoreCase: true)))
            {
                continue;
            }

            if (!s.Resources.Any(r => context.Substitute(r) is { } pattern && Glob.IsMatch(pattern, resourceArn)))
            {
                continue;
            }

            if (s.Conditions is { } conditions && !conditions.All(c => c.Holds(context)))
            {
                continue;
            }

            if (!s.Allow)
            {
                return false;
            }

            allowed = true;
        }

        return allowed;
    }

    /// <summary>
    /// A statement's Condition block. A key or operator the gateway does not evaluate makes the
    /// policy invalid: judging the statement without it would allow or deny what AWS would not.
    /// </summary>
    private static List<PolicyCondition>? Conditions(JsonElement statement)
    {
        if (!statement.TryGetProperty("Condition", out var block))
        {
            return null;
        }

        var conditions = new List<PolicyCondition>();
        foreach (var op in block.EnumerateObject())
        {
            if (!PolicyCondition.Operators.Contains(op.Name, StringComparer.Ordinal))
            {
                throw new FormatException($"the gateway does not evaluate the condition operator '{op.Name}' (only {string.Join(", ", PolicyCondition.Operators)} on {PolicyCondition.ConnectAttributes})");
            }

            foreach (var key in op.Value.EnumerateObject())
            {
                if (!string.Equals(key.Name, PolicyCondition.ConnectAttributes, StringComparison.OrdinalIgnoreCase))
                {
                    throw new FormatException($"the gateway does not evaluate the condition key '{key.Name}' (only {PolicyCondition.ConnectAttributes})");
                }

                conditions.Add(new PolicyCondition(op.Name, PolicyCondition.ConnectAttributes, Strings(key.Value)));
            }
        }

        return conditions;
    }

    private static List<string> Strings(JsonElement e) => e.ValueKind == JsonValueKind.Array
        ? [.. e.EnumerateArray().Select(x => x.GetString() ?? string.Empty)]
        : [e.GetString() ?? string.Empty];
}
