namespace Simulator.Core.Mqtt.Client;

/// <summary>What the client last sent that the server might punish by closing (AWS policy denials, A.4).</summary>
internal enum LastAction
{
    None,
    Connect,
    Publish,
    Subscribe,
}
