using System.ComponentModel;

namespace Simulator.Core.Results.Summary;

/// <summary>One outage of the plan and the reconnect storm after it.</summary>
[Description("One outage of the plan and the reconnect storm after it.")]
public sealed record OutageSummary
{
    [Description("The run's second in which the radio links went down.")]
    public required int AtSecond { get; init; }

    [Description("How long the links were down, seconds.")]
    public required double Seconds { get; init; }

    [Description("Devices that had a connection when their link went down.")]
    public required int DevicesCut { get; init; }

    [Description("Of those, the devices connected again by the end of the run.")]
    public required int Reconnected { get; init; }

    [Description("Seconds from the links' return until half of the cut devices were connected again; null if they never were.")]
    public required double? SecondsTo50 { get; init; }

    [Description("The same for 90 %.")]
    public required double? SecondsTo90 { get; init; }

    [Description("The same for every cut device.")]
    public required double? SecondsTo100 { get; init; }

    [Description("Connect attempts per cut device until it was back, failures included.")]
    public required double AttemptsPerDevice { get; init; }

    [Description("Successful connects per second at the storm's busiest second: what the target saw.")]
    public required double PeakConnectRate { get; init; }

    [Description("The run's second of that peak.")]
    public required int? PeakSecond { get; init; }

    [Description("The run's second by which every cut device was back; null if some never were (the storm then runs to the run's end).")]
    public int? StormEndSecond { get; init; }

    [Description("The embedded target over the storm, from the cut to its end; absent against a real target, whose counts are in CloudWatch.")]
    public StormTargetSummary? Target { get; init; }
}
