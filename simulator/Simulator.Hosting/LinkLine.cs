using Simulator.Core.Load.Profiles;

namespace Simulator.Hosting;

/// <summary>The devices' cellular link as the run's first line names it; empty at loopback speed.</summary>
internal static class LinkLine
{
    public static string Describe(RunOptions profile) => profile.Device.Link.Resolve() is { } link
        ? $", link {ProfileEnumConverter<LinkPreset>.ToName(profile.Device.Link.Preset)}{(profile.Device.Link.IsPresetOnly ? string.Empty : " with overrides")} ({link})"
        : string.Empty;
}
