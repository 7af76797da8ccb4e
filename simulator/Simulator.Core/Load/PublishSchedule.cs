using Simulator.Core.Load.Profiles;

namespace Simulator.Core.Load;

/// <summary>
/// The wait before a device's next publish, for every scenario: the first a uniform share of the
/// interval (so a fleet that connected together does not publish in lockstep), then the interval
/// with ± jitter.
/// </summary>
internal static class PublishSchedule
{
    public static double NextSeconds(DeviceSettings device, bool first) =>
        device.PublishIntervalSeconds * (first ? Random.Shared.NextDouble() : 1 + (device.Jitter * ((Random.Shared.NextDouble() * 2) - 1)));
}
