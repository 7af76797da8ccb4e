using System.Threading.Tasks.Sources;

namespace Simulator.Core.Mqtt.Client;

/// <summary>
/// A reusable awaitable for one PUBACK, SUBACK or UNSUBACK. Pooled per connection, so a QoS 1
/// publish allocates nothing in steady state. The result is the first SUBACK return code (0 otherwise).
/// Continuations run on the receive loop; they must be short, and the client's own are.
/// </summary>
internal sealed class PendingAck : IValueTaskSource<int>
{
    private ManualResetValueTaskSourceCore<int> _core;

    public short Version => _core.Version;

    public byte[]? SubAckCodes { get; set; }

    /// <summary>When the packet awaiting this ack was registered (Stopwatch timestamp).</summary>
    public long SentAt { get; set; }

    public ValueTask<int> Task => new(this, _core.Version);

    public void Complete(int result) => _core.SetResult(result);

    public void Fail(Exception error) => _core.SetException(error);

    public void Reset()
    {
        SubAckCodes = null;
        _core.Reset();
    }

    public int GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
