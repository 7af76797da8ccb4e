namespace Simulator.Gateway.Policy;

/// <summary>The IoT policy actions the broker evaluates.</summary>
internal static class IotAction
{
    public const string Connect = "iot:Connect";
    public const string Publish = "iot:Publish";
    public const string Receive = "iot:Receive";
    public const string Subscribe = "iot:Subscribe";
}
