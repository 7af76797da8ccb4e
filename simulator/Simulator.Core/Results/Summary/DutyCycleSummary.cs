using System.ComponentModel;

namespace Simulator.Core.Results.Summary;

/// <summary>What a duty cycle cost the target, per device-hour of the fleet's time.</summary>
[Description("A duty-cycle run's wakes, and what each device-hour of them cost the target.")]
public sealed record DutyCycleSummary
{
    [Description("\"psm\" or \"edrx\".")]
    public required string Mode { get; init; }

    [Description("The profile's seconds between wakes.")]
    public required double WakeIntervalSeconds { get; init; }

    [Description("Device-hours the run held: each second's started devices, summed, over 3600.")]
    public required double DeviceHours { get; init; }

    [Description("Wakes: each opens one connect attempt (PSM), or one round of publishes on the standing session (eDRX, where none is counted here).")]
    public required long Wakes { get; init; }

    [Description("Wakes per device-hour.")]
    public required double WakesPerDeviceHour { get; init; }

    [Description("Successful connects per device-hour: against AWS IoT Core, one custom-authorizer invocation each, whatever the target tells.")]
    public required double ConnectsPerDeviceHour { get; init; }

    [Description("The embedded target's authorizer invocations for connects; absent against another target.")]
    public long? AuthorizerInvocations { get; init; }

    [Description("Those per device-hour.")]
    public double? AuthorizerInvocationsPerDeviceHour { get; init; }

    [Description("Authorizer invocations per wake, 1 when each wake is one invocation; absent against another target or without wakes.")]
    public double? InvocationsPerWake { get; init; }

    [Description("Wakes whose awaited downlink did not come within the active time.")]
    public required long DownlinksMissed { get; init; }
}
