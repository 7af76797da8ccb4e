namespace Simulator.Gateway.Broker;

/// <summary>
/// What a WebSocket upgrade that carried custom-auth values did with the account's connect rate,
/// which it checks before its authorizer runs (the client id, and so its own rate, comes later in CONNECT).
/// </summary>
internal enum UpgradeConnectQuota
{
    /// <summary>Not checked at the upgrade (no upgrade credentials, or throttled connects invoke the authorizer): both rates are checked at CONNECT.</summary>
    NotChecked,

    /// <summary>The account's rate let it through; CONNECT checks the client id's alone.</summary>
    Taken,

    /// <summary>Over the account's rate: the authorizer did not run, and CONNECT is answered by a close, as over MQTT.</summary>
    Throttled,
}
