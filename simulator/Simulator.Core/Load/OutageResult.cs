namespace Simulator.Core.Load;

/// <summary>
/// An outage's storm: how many devices lost their connection, how soon they were back (seconds
/// from the links' return; null while not that many are), the attempts each made on the way, and
/// the connect rate the target saw at the storm's peak.
/// </summary>
internal sealed record OutageResult
{
    public int AtSecond { get; init; }

    public double Seconds { get; init; }

    public int DevicesCut { get; init; }

    public int Reconnected { get; init; }

    public double? SecondsTo50 { get; init; }

    public double? SecondsTo90 { get; init; }

    public double? SecondsTo100 { get; init; }

    public double AttemptsPerDevice { get; init; }

    /// <summary>Successful connects per second at the busiest second after the outage began.</summary>
    public double PeakConnectRate { get; init; }

    public int? PeakSecond { get; init; }

    /// <summary>The run's second by which every cut device was back; null if some never were.</summary>
    public int? StormEndSecond { get; init; }

    /// <summary>The embedded target over the storm (the cut to the storm's end): its authorizer's invocations, throttles, cold starts and peak concurrency, and its connect throttles by kind; null against a real target.</summary>
    public Metrics.AuthorizerSample? Target { get; init; }
}
