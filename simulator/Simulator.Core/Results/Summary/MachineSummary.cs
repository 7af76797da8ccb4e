using System.ComponentModel;

namespace Simulator.Core.Results.Summary;

/// <summary>The machine the run's generator ran on.</summary>
[Description("The machine the generator ran on.")]
public sealed record MachineSummary
{
    public required string Os { get; init; }

    public required int Cores { get; init; }

    [Description("Memory available to the process's GC.")]
    public required long MemoryBytes { get; init; }

    [Description("The .NET runtime's version.")]
    public required string Dotnet { get; init; }
}
