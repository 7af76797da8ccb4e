namespace Simulator.Gateway.Policy;

/// <summary>Resource ARNs of IoT actions: client/, topic/, topicfilter/.</summary>
public sealed record IotArn(string Region, string Account)
{
    public string Client(string clientId) => $"arn:aws:iot:{Region}:{Account}:client/{clientId}";

    public string Topic(string topic) => $"arn:aws:iot:{Region}:{Account}:topic/{topic}";

    public string TopicFilter(string filter) => $"arn:aws:iot:{Region}:{Account}:topicfilter/{filter}";
}
