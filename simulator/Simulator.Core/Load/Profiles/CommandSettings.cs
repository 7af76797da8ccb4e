namespace Simulator.Core.Load.Profiles;

/// <summary>
/// Cloud-to-device commands (docs/profiles.md, "commands"): a backend publisher sends them at a
/// rate, each to one connected device's command topic in turn, and each device times its command
/// from the backend's PUBLISH to its receipt (through its radio link: under eDRX, its paging).
/// </summary>
/// <param name="RatePerSecond">Commands a second over the fleet; 0 (the default) sends none. At most 1000.</param>
/// <param name="Topic">A device's command topic, with {id} for its client id.</param>
/// <param name="Qos">0 or 1, both for the backend's PUBLISH and the devices' subscription.</param>
internal sealed record CommandSettings(double RatePerSecond = 0, string Topic = "{id}/commands", int Qos = 1);
