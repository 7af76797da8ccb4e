namespace Simulator.Tests.Support;

/// <summary>Tests that measure timing or burn the CPU on purpose run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial";
}
