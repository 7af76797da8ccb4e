namespace Simulator.Gateway.Policy;

/// <summary>What policy variables resolve to for one connection.</summary>
public sealed record PolicyContext(string ClientId, string? ThingName = null)
{
    /// <summary>Substitutes ${iot:ClientId} and ${iot:Connection.Thing.ThingName}.</summary>
    public string Substitute(string pattern)
    {
        if (!pattern.Contains("${", StringComparison.Ordinal))
        {
            return pattern;
        }

        return pattern
            .Replace("${iot:ClientId}", ClientId, StringComparison.Ordinal)
            .Replace("${iot:Connection.Thing.ThingName}", ThingName ?? ClientId, StringComparison.Ordinal);
    }
}
