using Simulator.Core.Mqtt;

namespace Simulator.Core.Scenarios;

/// <summary>One pending wait of a <see cref="DeviceSession"/>: the filter and match it waits for, and the reply it gets.</summary>
internal sealed class MessageWaiter(string filter, Func<ReceivedMessage, bool>? match)
{
    public string Filter { get; } = filter;

    public TaskCompletionSource<ReceivedMessage> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Accepts(ReceivedMessage m) => MqttTopic.Matches(Filter, m.Topic) && (match is null || match(m));
}
