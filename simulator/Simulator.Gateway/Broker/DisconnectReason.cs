namespace Simulator.Gateway.Broker;

/// <summary>Lifecycle disconnectReason values (A.4).</summary>
internal static class DisconnectReason
{
    public const string AuthError = "AUTH_ERROR";
    public const string ClientInitiated = "CLIENT_INITIATED_DISCONNECT";
    public const string ClientError = "CLIENT_ERROR";
    public const string ConnectionLost = "CONNECTION_LOST";
    public const string DuplicateClientId = "DUPLICATE_CLIENTID";
    public const string KeepAliveTimeout = "MQTT_KEEP_ALIVE_TIMEOUT";
    public const string ServerInitiated = "SERVER_INITIATED_DISCONNECT";
    public const string Throttled = "THROTTLED";
    public const string CustomAuthTtlExpiration = "CUSTOMAUTH_TTL_EXPIRATION";
}
