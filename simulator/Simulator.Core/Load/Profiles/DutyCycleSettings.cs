namespace Simulator.Core.Load.Profiles;

/// <summary>
/// The duty cycle of the "duty-cycle" scenario (docs/cellular-links.md). Defaults are the nRF
/// Connect SDK's when PSM or eDRX is requested (lib/lte_link_control: periodic TAU 30 min, active
/// time 60 s, eDRX 163.84 s), with a paging time window of 1.28 s.
/// </summary>
/// <param name="Mode">"psm" (wake, connect, publish, disconnect, sleep) or "edrx" (stay connected, reachable only in paging windows).</param>
/// <param name="WakeIntervalSeconds">Seconds between wakes (PSM's periodic TAU; in eDRX, the application's publish period). A fleet's first wakes are spread uniformly over one interval.</param>
/// <param name="WakeJitter">0..1: each interval after the first is drawn from interval × (1 ± jitter).</param>
/// <param name="MessagesPerWake">PUBLISHes sent back to back at each wake.</param>
/// <param name="AwaitDownlink">PSM: after publishing, stay for the device's own message back (the downlink) until it comes or the active time ends.</param>
/// <param name="ActiveTimeSeconds">PSM's active time (T3324): how long a device waits for its downlink before it disconnects and sleeps.</param>
/// <param name="EdrxSeconds">eDRX: the paging cycle, 5.12 to 10485.76 s (LTE-M up to 2621.44 s).</param>
/// <param name="PagingWindowSeconds">eDRX: the paging time window at the start of each cycle in which downlink data is delivered.</param>
/// <param name="InactivitySeconds">eDRX: how long the radio stays connected after the device's last traffic (the network's RRC inactivity timer); downlink in that time is not held, so the answers to the device's own sends (PUBACK, its message back) are never paged. 1 to 3600 s.</param>
internal sealed record DutyCycleSettings(
    DutyCycleMode Mode = DutyCycleMode.Psm,
    double WakeIntervalSeconds = 1800,
    double WakeJitter = 0.05,
    int MessagesPerWake = 1,
    bool AwaitDownlink = false,
    double ActiveTimeSeconds = 60,
    double EdrxSeconds = 163.84,
    double PagingWindowSeconds = 1.28,
    double InactivitySeconds = 10);
