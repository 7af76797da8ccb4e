namespace Simulator.Gateway.Broker;

/// <summary>The sessions subscribed to one <c>$share/{ShareName}/{TopicFilter}</c>: each matching message goes to one of them.</summary>
/// <param name="Filter">The whole shared filter, as subscribed.</param>
/// <param name="TopicFilter">The topic filter after the share name.</param>
internal sealed record SharedGroup(string Filter, string TopicFilter)
{
    /// <summary>The members; changed under the router's lock only.</summary>
    public List<Subscription> Members { get; } = [];
}
