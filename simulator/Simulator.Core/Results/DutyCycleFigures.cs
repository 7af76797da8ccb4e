using Simulator.Core.Load.Profiles;
using Simulator.Core.Results.Summary;

namespace Simulator.Core.Results;

/// <summary>A duty-cycle run's figures, from its seconds, so a merge of shards' rows gives the same.</summary>
internal static class DutyCycleFigures
{
    /// <summary>A duty-cycle run's wakes and their cost per device-hour, from its seconds; null for other scenarios.</summary>
    public static DutyCycleSummary? Of(RunReport r)
    {
        if (r.Profile.Device.Scenario != ScenarioKind.DutyCycle)
        {
            return null;
        }

        var rows = r.Outcome.Rows;
        var hours = rows.Sum(x => x.Devices * (double)x.Seconds) / 3600;
        var wakes = rows.Sum(x => x.Wakes);
        var auth = rows.Where(x => x.Authorizer is not null).Select(x => x.Authorizer!.Value).ToList();
        long? invocations = auth.Count == 0 ? null : auth.Sum(x => x.Invocations - x.Refreshes);
        double PerHour(double n) => hours == 0 ? 0 : Math.Round(n / hours, 2);
        return new DutyCycleSummary
        {
            Mode = ProfileEnumConverter<DutyCycleMode>.ToName(r.Profile.Device.DutyCycle.Mode),
            WakeIntervalSeconds = r.Profile.Device.DutyCycle.WakeIntervalSeconds,
            DeviceHours = Math.Round(hours, 3),
            Wakes = wakes,
            WakesPerDeviceHour = PerHour(wakes),
            ConnectsPerDeviceHour = PerHour(rows.Sum(x => x.ConnectsOk)),
            AuthorizerInvocations = invocations,
            AuthorizerInvocationsPerDeviceHour = invocations is { } n ? PerHour(n) : null,
            InvocationsPerWake = invocations is { } i && wakes > 0 ? Math.Round(i / (double)wakes, 4) : null,
            DownlinksMissed = rows.Sum(x => x.DownlinksMissed),
        };
    }
}
