namespace Simulator.Core.Mqtt;

/// <summary>
/// The one exception of the codec: a reason code and the spec rule broken, e.g. [MQTT-2.2.3-1].
/// A receiver that catches it closes the network connection, as the spec requires.
/// </summary>
internal sealed class MqttProtocolException : Exception
{
    public MqttProtocolException(MqttErrorCode code, string rule, string message)
        : base($"{rule} {message}")
    {
        Code = code;
        Rule = rule;
    }

    public MqttErrorCode Code { get; }

    public string Rule { get; }

    public static MqttProtocolException Throw(MqttErrorCode code, string rule, string message) => throw new MqttProtocolException(code, rule, message);
}
