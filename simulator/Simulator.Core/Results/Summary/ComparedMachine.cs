using System.Text.Json.Serialization;

namespace Simulator.Core.Results.Summary;

/// <summary>The machine block as <c>compare</c> names it beside each run.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
internal sealed record ComparedMachine
{
    public required int Cores { get; init; }
}
