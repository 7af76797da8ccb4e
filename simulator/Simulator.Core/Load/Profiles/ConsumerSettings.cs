namespace Simulator.Core.Load.Profiles;

/// <summary>
/// Backend subscribers the run connects before its devices: they take the fleet's messages and
/// measure fan-in delivery (docs/profiles.md, "consumers"), with each message known by its device
/// and sequence, so loss and duplicates are counted per device.
/// </summary>
/// <param name="Count">How many consumer connections; 0 (the default) runs none. Above 1, the topic must be a shared subscription, so that the consumers split the messages as one backend.</param>
/// <param name="Topic">The filter they subscribe to; null: <c>$share/fleet-backend/</c> and the device topic with <c>+</c> for the id.</param>
/// <param name="Qos">0 or 1.</param>
internal sealed record ConsumerSettings(int Count = 0, string? Topic = null, int Qos = 1)
{
    /// <summary>The filter the consumers subscribe to, for devices publishing to <paramref name="deviceTopic"/>.</summary>
    public string FilterFor(string deviceTopic) => Topic ?? "$share/fleet-backend/" + deviceTopic.Replace("{id}", "+", StringComparison.Ordinal);
}
