using System.Text.Json.Serialization;

namespace Simulator.Core.Results.Summary;

/// <summary>One named scenario step's figures that <c>compare</c> judges.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
internal sealed record ComparedStep
{
    public required long Ok { get; init; }

    public required long Failed { get; init; }

    public required ComparedPhase Latency { get; init; }

    /// <summary>Failed runs' share of all runs; 0 when it never ran.</summary>
    public double FailureRate => Ok + Failed == 0 ? 0 : Failed / (double)(Ok + Failed);
}
