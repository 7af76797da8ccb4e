using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;
using Simulator.Core.Metrics;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;

namespace Simulator.Core.Load.Scenarios;

/// <summary>
/// A device's one reusable publish of its next payload-model message: render, PUBLISH, and at the
/// PUBACK the device's bookkeeping. Why not an async method: a pooled async method's box is
/// returned to the pool of the thread that completes it (the connection's receive loop) and
/// rented on the thread that publishes next, so one in a few publishes allocated a box anew. Here
/// the connection's own result is collected in <see cref="GetResult"/>, on the caller's thread,
/// exactly as when the caller awaits the connection itself, and nothing is allocated per publish.
/// One publish at a time per device: <see cref="TryStart"/> says false while one is in flight.
/// </summary>
internal sealed class NextMessagePublish : IValueTaskSource
{
    private readonly ScenarioDevice _device;
    private readonly Action _published;
    private ManualResetValueTaskSourceCore<bool> _core;
    private ConfiguredValueTaskAwaitable.ConfiguredValueTaskAwaiter _awaiter;
    private OutgoingMessage _message;
    private IDeviceRecorder? _recorder;
    private MqttQos _qos;
    private long _t0;
    private int _busy;

    public NextMessagePublish(ScenarioDevice device)
    {
        _device = device;
        _published = () => _core.SetResult(true);
    }

    /// <summary>Starts the publish, or returns false (doing nothing) while another is in flight.</summary>
    public bool TryStart(MqttClientConnection connection, byte[] topic, MqttQos qos, IDeviceRecorder recorder, out ValueTask publish)
    {
        if (Interlocked.Exchange(ref _busy, 1) == 1)
        {
            publish = default;
            return false;
        }

        _core.Reset();
        _recorder = recorder;
        _qos = qos;
        _t0 = Stopwatch.GetTimestamp();
        _message = _device.NextMessage(_t0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        try
        {
#pragma warning disable CA2012 // kept as its awaiter and consumed exactly once, in GetResult
            _awaiter = connection.PublishAsync(topic, _message.Body, qos).ConfigureAwait(false).GetAwaiter();
#pragma warning restore CA2012
        }
        catch
        {
            Release();
            throw;
        }

        if (_awaiter.IsCompleted)
        {
            _core.SetResult(true);
        }
        else
        {
            _awaiter.UnsafeOnCompleted(_published);
        }

        publish = new ValueTask(this, _core.Version);
        return true;
    }

    /// <summary>The connection's result, collected here on the caller's thread; then the PUBACK's bookkeeping.</summary>
    public void GetResult(short token)
    {
        _core.GetResult(token);
        var recorder = _recorder!;
        var (t0, qos, sequence) = (_t0, _qos, _message.Sequence);
        try
        {
            _awaiter.GetResult(); // throws the connection's failure
            _device.Acknowledged(sequence); // its PUBACK came (QoS 1), or it was sent (QoS 0): a backend should get it
        }
        finally
        {
            Release();
        }

        recorder.Published();
        if (qos == MqttQos.AtLeastOnce)
        {
            recorder.PubAcked(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Release()
    {
        _message.Dispose();
        _message = default;
        _awaiter = default;
        Volatile.Write(ref _busy, 0);
    }
}
