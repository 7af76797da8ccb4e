namespace Simulator.Core.Load.Profiles;

/// <summary>What each device does once connected.</summary>
public sealed class DeviceSettings
{
    /// <summary>"telemetry" (MQTT connect, subscribe, publish loop) or "nrfcloud-location" (A-GNSS in ranges and a ground fix over REST).</summary>
    public ScenarioKind Scenario { get; set; } = ScenarioKind.Telemetry;

    /// <summary>Subscribe to the device's own command topic and measure end-to-end latency on it.</summary>
    public bool Subscribe { get; set; } = true;

    public double PublishIntervalSeconds { get; set; } = 10;

    /// <summary>0..1: each interval is drawn from interval × (1 ± jitter).</summary>
    public double Jitter { get; set; } = 0.2;

    public int Qos { get; set; } = 1;

    public int KeepAliveSeconds { get; set; } = 60;

    /// <summary>0: stay connected; else disconnect and reconnect after this long.</summary>
    public double SessionSeconds { get; set; }

    /// <summary>Topic under the ICCID (or device id), e.g. "{id}/telemetry".</summary>
    public string Topic { get; set; } = "{id}/telemetry";

    /// <summary>
    /// How long the target keeps a session before it cuts it (the authorizer's disconnectAfterInSeconds).
    /// A server close at that age is a SessionExpired drop, not a failure. Null: taken from the
    /// embedded gateway's authorizer, else unknown.
    /// </summary>
    public double? SessionLifetimeSeconds { get; set; }

    /// <summary>A PUBACK or SUBACK later than this ends the session (AckTimeout).</summary>
    public double AckTimeoutSeconds { get; set; } = 30;

    public ReconnectSettings Reconnect { get; set; } = new();
}
