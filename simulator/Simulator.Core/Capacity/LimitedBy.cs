namespace Simulator.Core.Capacity;

/// <summary>What ended a capacity search.</summary>
internal static class LimitedBy
{
    public const string Target = "target";

    public const string Generator = "generator";

    public const string MaxRate = "maxRate";
}
