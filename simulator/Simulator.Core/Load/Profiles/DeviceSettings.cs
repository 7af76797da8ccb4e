namespace Simulator.Core.Load.Profiles;

/// <summary>What each device does once connected.</summary>
/// <param name="Scenario">"telemetry" (MQTT connect, subscribe, publish loop), "duty-cycle" (MQTT on a PSM or eDRX cycle, see DutyCycle), or "nrfcloud-location" (A-GNSS in ranges and a ground fix over REST).</param>
/// <param name="Subscribe">Subscribe to the device's own command topic and measure end-to-end latency on it.</param>
/// <param name="PublishIntervalSeconds">Seconds between publishes.</param>
/// <param name="Jitter">0..1: each interval is drawn from interval × (1 ± jitter).</param>
/// <param name="Qos">0 or 1.</param>
/// <param name="KeepAliveSeconds">MQTT keep-alive.</param>
/// <param name="SessionSeconds">0: stay connected; else disconnect and reconnect after this long.</param>
/// <param name="Topic">Topic under the ICCID (or device id), e.g. "{id}/telemetry".</param>
/// <param name="SessionLifetimeSeconds">
/// How long the target keeps a session before it cuts it (the authorizer's disconnectAfterInSeconds).
/// A server close at that age is a SessionExpired drop, not a failure. Null: taken from the
/// embedded gateway's authorizer, else unknown.
/// </param>
/// <param name="AckTimeoutSeconds">A PUBACK or SUBACK later than this ends the session (AckTimeout).</param>
/// <param name="Reconnect">Backoff between attempts; null reads as the defaults.</param>
/// <param name="DutyCycle">The "duty-cycle" scenario's cycle; null reads as the defaults.</param>
/// <param name="MqttVersion">The MQTT protocol level, written as its number: 4 is MQTT 3.1.1, 5 is MQTT 5.0 (reason codes, session expiry, topic aliases; see Mqtt5). Read once into the protocol's own enum.</param>
/// <param name="Mqtt5">What an MQTT 5 device sends beyond 3.1.1; null reads as the defaults.</param>
/// <param name="CleanSession">
/// MQTT 3.1.1's Clean Session flag (Zephyr's CONFIG_MQTT_CLEAN_SESSION). False asks for a
/// persistent session: when CONNACK says Session Present the device does not subscribe again, and
/// gets the QoS 1 messages stored while it was away. An MQTT 5 device sets mqtt5.cleanStart.
/// </param>
/// <param name="Payload">What each message carries: telemetry JSON (the default), a template or random binary.</param>
/// <param name="Link">The cellular link each device talks over: "none" (loopback speed), "lte-m", "nb-iot", or an object of a preset and overrides.</param>
internal sealed record DeviceSettings(
    ScenarioKind Scenario = ScenarioKind.Telemetry,
    bool Subscribe = true,
    double PublishIntervalSeconds = 10,
    double Jitter = 0.2,
    int Qos = 1,
    int KeepAliveSeconds = 60,
    double SessionSeconds = 0,
    string Topic = "{id}/telemetry",
    double? SessionLifetimeSeconds = null,
    double AckTimeoutSeconds = 30,
    ReconnectSettings? Reconnect = null,
    LinkSettings? Link = null,
    DutyCycleSettings? DutyCycle = null,
    Mqtt.MqttVersion MqttVersion = Mqtt.MqttVersion.V311,
    Mqtt5Settings? Mqtt5 = null,
    bool CleanSession = true,
    PayloadSettings? Payload = null)
{
    public PayloadSettings Payload { get; init; } = Payload ?? new();

    public Mqtt5Settings Mqtt5 { get; init; } = Mqtt5 ?? new();

    public DutyCycleSettings DutyCycle { get; init; } = DutyCycle ?? new();

    public ReconnectSettings Reconnect { get; init; } = Reconnect ?? new();

    public LinkSettings Link { get; init; } = Link ?? new();
}
