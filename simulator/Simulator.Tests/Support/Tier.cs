namespace Simulator.Tests.Support;

/// <summary>
/// The two tiers of the suite. Every behaviour is in the fast tier (the README's test command),
/// scaled down where its full scale takes minutes; a test marked <c>[Trait(Tier.Name, Tier.Full)]</c>
/// runs only in the full tier (<c>scripts/test.sh --full</c>, what a release runs): full-scale
/// runs, memory and soak checks.
/// </summary>
public static class Tier
{
    public const string Name = "Tier";

    public const string Full = "Full";
}
