namespace Simulator.Core.Load.Profiles;

/// <summary>
/// What an MQTT 5 device (<c>device.mqttVersion: 5</c>) sends beyond 3.1.1 (docs/mqtt5.md). In
/// user property values, <c>{id}</c> is the device's client id.
/// </summary>
/// <param name="SessionExpirySeconds">CONNECT's Session Expiry Interval: 0 ends the session with the connection; AWS caps it at 3600 by default and at 7 days.</param>
/// <param name="UserProperties">User Properties in CONNECT, e.g. {"fw": "2.0.1"}; AWS passes them to nobody but accepts them.</param>
/// <param name="PublishUserProperties">User Properties on every PUBLISH; subscribers on MQTT 5 receive them.</param>
/// <param name="ContentType">Every PUBLISH's Content Type, e.g. "application/json"; null sends none.</param>
/// <param name="MessageExpirySeconds">Every PUBLISH's Message Expiry Interval; null sends none. AWS allows 1 to 604800.</param>
/// <param name="TopicAliases">Name each topic by a Topic Alias after its first PUBLISH, up to the server's Topic Alias Maximum (AWS's is 8).</param>
/// <param name="CleanStart">False resumes the session the server kept (with sessionExpirySeconds): when CONNACK says Session Present, the device does not subscribe again, as nRF Connect SDK's aws_iot library does with persistent sessions.</param>
internal sealed record Mqtt5Settings(
    uint SessionExpirySeconds = 0,
    Dictionary<string, string>? UserProperties = null,
    Dictionary<string, string>? PublishUserProperties = null,
    string? ContentType = null,
    uint? MessageExpirySeconds = null,
    bool TopicAliases = true,
    bool CleanStart = true);
