namespace Simulator.Core.Mqtt.Client;

/// <summary>What the client last sent: a server close right after it may be an AWS policy denial (A.4).</summary>
internal enum LastAction
{
    None,
    Connect,
    Publish,
    Subscribe,
    Unsubscribe,
    Ping,
}
