using System.Threading.Tasks.Sources;

namespace Simulator.Core.Mqtt.Client;

/// <summary>
/// A reusable awaitable for one PUBACK, SUBACK or UNSUBACK. Pooled per connection, so a QoS 1
/// publish allocates nothing in steady state. The result is the first SUBACK return code (0 otherwise).
/// Where the awaiter resumes is decided here, per completion:
/// <list type="bullet">
/// <item><see cref="Complete"/> resumes it inline, on the receive loop, which calls it only at a
/// safe point (its batch handled, its buffer released, its PUBACKs sent), so an awaiter that goes
/// on to disconnect leaves the loop nothing to touch but a closed transport. Inline costs no thread
/// hop and no allocation; a hop would cost a pooled box now and then.</item>
/// <item><see cref="Fail"/> resumes it on the thread pool: whoever ends a connection (the keep-alive
/// scan, a sender, a stop) must not run the device's teardown on its own thread.</item>
/// </list>
/// </summary>
internal sealed class PendingAck : IValueTaskSource<int>
{
    private ManualResetValueTaskSourceCore<int> _core;

    public short Version => _core.Version;

    public byte[]? SubAckCodes { get; set; }

    /// <summary>When the packet awaiting this ack was registered (Stopwatch timestamp).</summary>
    public long SentAt { get; set; }

    public ValueTask<int> Task => new(this, _core.Version);

    public void Complete(int result)
    {
        _core.RunContinuationsAsynchronously = false;
        _core.SetResult(result);
    }

    public void Fail(Exception error)
    {
        _core.RunContinuationsAsynchronously = true;
        _core.SetException(error);
    }

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
