namespace Simulator.Core.Mqtt;

/// <summary>MQTT 3.1.1 §3.2.2.3 Table 3.1.</summary>
internal enum ConnAckReturnCode : byte
{
    Accepted = 0,
    UnacceptableProtocolVersion = 1,
    IdentifierRejected = 2,
    ServerUnavailable = 3,
    BadUsernameOrPassword = 4,
    NotAuthorized = 5,
}
