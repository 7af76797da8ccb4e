namespace Simulator.Core.Transport;

/// <summary>Why a connection attempt or a connection failed. Never just "exception".</summary>
public enum FailureKind
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
    HttpError,
    Cancelled,
}
