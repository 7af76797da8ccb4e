namespace Simulator.Gateway.Policy;

/// <summary>The IoT policy actions the broker evaluates.</summary>
internal static class IotAction
{
    public const string Connect = "iot:Connect";
    public const string Publish = "iot:Publish";
    public const string Receive = "iot:Receive";

    /// <summary>Publishing with RETAIN set needs this besides iot:Publish (retained-message-policy-examples).</summary>
    public const string RetainPublish = "iot:RetainPublish";
    public const string Subscribe = "iot:Subscribe";
}
