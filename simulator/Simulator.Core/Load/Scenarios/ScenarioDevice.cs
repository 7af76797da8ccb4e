using System.Diagnostics;
using Simulator.Core.Identity;
using Simulator.Core.Metrics;
using Simulator.Core.Transport.Link;
using Simulator.Core.Transport.OpenSsl;

namespace Simulator.Core.Load.Scenarios;

/// <summary>
/// One device as its scenario sees it: its identity, its lifecycle, and what it keeps across its
/// sessions (the publish sequence and send times, its wait, its own TLS session). Used by the
/// device's own loop only, one attempt at a time.
/// </summary>
public sealed class ScenarioDevice
{
    private readonly long[] _sentAt = new long[64];
    private TlsSessionSlot? _tlsSession;
    private long _lastReceived;

    public ScenarioDevice(DeviceIdentity identity, DeviceLifecycle life)
    {
        Identity = identity;
        Life = life;
        Payload = new TelemetryPayload(identity.Imei, identity.Index);
        AttemptDue = life.IntendedStart;
    }

    public DeviceIdentity Identity { get; }

    public DeviceLifecycle Life { get; }

    public TelemetryPayload Payload { get; }

    /// <summary>The device's one reusable wait between publishes.</summary>
    public DeviceWait Wait { get; } = new();

    /// <summary>The last publish's sequence number.</summary>
    public long Sequence { get; private set; }

    /// <summary>A modem caches its own TLS session across reconnects, and only its own.</summary>
    public TlsSessionSlot TlsSession => _tlsSession ??= new TlsSessionSlot();

    /// <summary>The device's radio link, kept across its sessions as its rate and its place in the fleet's spread are; null at loopback speed.</summary>
    public LinkModel? Link { get; set; }

    /// <summary>A duty-cycled device's current wake: when it was due (a Stopwatch timestamp); the next is counted from it.</summary>
    public long WakeDue { get; set; }

    /// <summary>The highest sequence number of the device's own messages that came back.</summary>
    public long LastReceived => Volatile.Read(ref _lastReceived);

    /// <summary>One of the device's own messages came back: the downlink a wake may wait for.</summary>
    public void Received(long seq)
    {
        if (seq > _lastReceived)
        {
            Volatile.Write(ref _lastReceived, seq);
        }
    }

    /// <summary>When the open attempt was due (Stopwatch timestamp): its connect latency counts from here.</summary>
    public long AttemptDue { get; set; }

    /// <summary>The next publish: its sequence number, with its send time kept for the end-to-end latency.</summary>
    public long NextPublish(long sentAt)
    {
        var seq = ++Sequence;
        _sentAt[seq % _sentAt.Length] = sentAt;
        return seq;
    }

    /// <summary>When publish <paramref name="seq"/> was sent, if it is recent enough to be kept.</summary>
    public bool TrySentAt(long seq, out long sentAt)
    {
        var kept = seq > 0 && seq <= Sequence && seq > Sequence - _sentAt.Length;
        sentAt = kept ? _sentAt[seq % _sentAt.Length] : 0;
        return kept;
    }

    /// <summary>
    /// A failed request of a sessionless scenario (HTTPS, REST): a drop when the device had
    /// connected, since there is no session to lose otherwise, else the attempt's failure.
    /// </summary>
    public SessionEnd FailOrDrop(IDeviceRecorder recorder, string failureClass, bool wasConnected, long connectedAt)
    {
        if (wasConnected)
        {
            recorder.SessionDropped(failureClass, "Publish", DeviceLifecycle.MillisecondsSince(connectedAt));
            return SessionEnd.Lost;
        }

        Life.Failed(failureClass);
        return SessionEnd.Failed(failureClass);
    }

    /// <summary>The attempt connected (CONNACK, or a sessionless scenario's first successful request): when, as a Stopwatch timestamp.</summary>
    public long Connected()
    {
        Life.Succeeded(DeviceLifecycle.MillisecondsSince(AttemptDue)); // latency from when the attempt was due
        Life.Move(DeviceState.Connected);
        return Stopwatch.GetTimestamp();
    }
}
