namespace Simulator.Core.Errors;

/// <summary>Why a connection attempt or a connection failed. Never just "exception".</summary>
internal enum FailureKind
{
    Dns,
    TcpRefused,
    TcpTimeout,
    TcpError,
    TlsHandshake,
    WebSocketUpgradeRefused,
    ConnAckRefused,

    /// <summary>The server closed after CONNECT without a CONNACK: AWS's custom-auth denial.</summary>
    ClosedAfterConnect,
    ConnectTimeout,
    KeepAliveTimeout,

    /// <summary>The server closed after a PUBLISH: AWS's policy denial.</summary>
    ClosedAfterPublish,

    /// <summary>The server closed after a SUBSCRIBE: AWS's policy denial.</summary>
    ClosedAfterSubscribe,

    /// <summary>The server closed an established, idle connection (e.g. disconnectAfterInSeconds).</summary>
    ClosedByServer,
    ProtocolViolation,

    /// <summary>A PUBACK, SUBACK or UNSUBACK did not arrive within the ack timeout.</summary>
    AckTimeout,

    /// <summary>The process ran out of file descriptors (EMFILE) opening a socket.</summary>
    FdExhausted,

    /// <summary>The client's own code failed (a message handler, a bug); never the server's doing.</summary>
    ClientError,

    /// <summary>An MQTT 5 PUBACK with a reason code of 0x80 or above (e.g. 0x87 for AWS's policy denial).</summary>
    PublishRefused,

    /// <summary>An MQTT 5 PUBLISH over the server's Maximum Packet Size: not sent, the connection stays ([MQTT-3.2.2-15]).</summary>
    PacketTooLarge,
    HttpError,
    Cancelled,
}
