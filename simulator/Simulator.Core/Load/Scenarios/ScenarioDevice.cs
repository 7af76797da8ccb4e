using System.Buffers;
using System.Diagnostics;
using Simulator.Core.Identity;
using Simulator.Core.Metrics;
using Simulator.Core.Payloads;
using Simulator.Core.Scenarios;
using Simulator.Core.Transport.Link;
using Simulator.Core.Transport.OpenSsl;

namespace Simulator.Core.Load.Scenarios;

/// <summary>
/// One device as its scenario sees it: its identity, its lifecycle, and what it keeps across its
/// sessions (the publish sequence, its recent messages, its wait, its own TLS session). Used by the
/// device's own loop, one attempt at a time, except <see cref="TryOwnMessage(in ReadOnlySequence{byte}, out long, out long, out bool)"/>, which the
/// connection's receive path calls while the loop may be sending.
/// </summary>
internal sealed class ScenarioDevice
{
    private readonly SentMessage[] _sent = new SentMessage[64];
    private readonly PayloadFormat _format;
    private DevicePayload? _payload;
    private TlsSessionSlot? _tlsSession;
    private long _lastReceived;
    private bool _downlinkWanted;
    private NextMessagePublish? _nextPublish;
    private long _sequence;

    public ScenarioDevice(DeviceIdentity identity, DeviceLifecycle life)
        : this(identity, life, PayloadFormat.Telemetry)
    {
    }

    internal ScenarioDevice(DeviceIdentity identity, DeviceLifecycle life, PayloadFormat format)
    {
        Identity = identity;
        Life = life;
        _format = format;
        AttemptDue = life.IntendedStart;
    }

    public DeviceIdentity Identity { get; }

    public DeviceLifecycle Life { get; }

    /// <summary>The device's one reusable wait between publishes.</summary>
    public DeviceWait Wait { get; } = new();

    /// <summary>The last publish's sequence number.</summary>
    public long Sequence => Volatile.Read(ref _sequence);

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

    /// <summary>
    /// The next message: its body rendered into a pooled buffer (dispose it once sent), with its
    /// fingerprint and send time kept, so that it is known when it comes back. The slot it takes
    /// held the message 64 before: one a backend should have had and did not is lost.
    /// </summary>
    internal OutgoingMessage NextMessage(long sentAt, long unixMs)
    {
        var payload = _payload ??= _format.For(Identity);
        var seq = _sequence + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(payload.MaxBytes);
        var length = payload.Write(buffer, seq, unixMs);
        var fingerprint = PayloadFingerprint.Of(buffer.AsSpan(0, length));
        ref var slot = ref _sent[seq % _sent.Length];
        Volatile.Write(ref slot.Fingerprint, 0UL); // the receive paths skip the slot while it changes
        if (Backend is not null && slot.Sequence > 0)
        {
            Settle(slot.Flags);
        }

        slot.Sequence = seq;
        slot.SentAt = sentAt;
        Volatile.Write(ref slot.Flags, 0);
        Volatile.Write(ref slot.Fingerprint, fingerprint == 0 ? 1 : fingerprint);
        Volatile.Write(ref _sequence, seq);
        return new OutgoingMessage(buffer, length, seq);
    }

    /// <summary>The device's command topic (UTF-8) while cloud-to-device commands are on; null otherwise.</summary>
    internal byte[]? CommandTopic { get; set; }

    /// <summary>The device's own topic in UTF-8, rendered at its first session and kept.</summary>
    internal byte[]? Topic { get; set; }

    /// <summary>Backend consumers are counting this device's messages: what it loses goes here. Null: no consumers.</summary>
    internal DeliveryTally? Backend { get; set; }

    /// <summary>Message <paramref name="seq"/> had its PUBACK (or, at QoS 0, was sent): a backend consumer should get it.</summary>
    internal void Acknowledged(long seq)
    {
        ref var slot = ref _sent[seq % _sent.Length];
        if (slot.Sequence == seq)
        {
            Interlocked.Or(ref slot.Flags, SentMessage.Acked);
        }
    }

    /// <summary>
    /// Whether <paramref name="body"/> is one of the device's recent messages come back, and which:
    /// its sequence number and send time. Each message is known once, so a duplicate delivery is
    /// not counted as another message back; equal bodies are matched oldest first.
    /// </summary>
    internal bool TryOwnMessage(in ReadOnlySequence<byte> body, out long seq, out long sentAt) =>
        TryMark(PayloadFingerprint.Of(body), SentMessage.OwnBack, out seq, out sentAt, out _);

    /// <summary>As the overload above, and <paramref name="duplicate"/> when it was one of the device's messages back already.</summary>
    internal bool TryOwnMessage(in ReadOnlySequence<byte> body, out long seq, out long sentAt, out bool duplicate) =>
        TryMark(PayloadFingerprint.Of(body), SentMessage.OwnBack, out seq, out sentAt, out duplicate);

    /// <summary>Whether a wait for the device's downlink is pending: its own message back wakes <see cref="Wait"/> only then.</summary>
    internal bool DownlinkWanted
    {
        get => Volatile.Read(ref _downlinkWanted);
        set => Volatile.Write(ref _downlinkWanted, value);
    }

    /// <summary>The device's one reusable publish of its next message.</summary>
    internal NextMessagePublish NextPublish => _nextPublish ??= new NextMessagePublish(this);

    /// <summary>Who the device is, as a code scenario sees it; made at its first attempt and kept.</summary>
    internal DeviceInfo? Info { get; set; }

    /// <summary>
    /// A backend consumer got <paramref name="body"/>: true with its send time when it is one of
    /// the device's recent messages, and <paramref name="duplicate"/> when a consumer had it already.
    /// </summary>
    internal bool TryDelivered(in ReadOnlySequence<byte> body, out long sentAt, out bool duplicate) =>
        TryMark(PayloadFingerprint.Of(body), SentMessage.Delivered, out _, out sentAt, out duplicate);

    /// <summary>At the run's end, once the consumers have drained: the messages still kept that a backend should have had and did not.</summary>
    internal void SettleAll()
    {
        for (var i = 0; i < _sent.Length; i++)
        {
            ref var slot = ref _sent[i];
            if (slot.Sequence > 0)
            {
                Settle(Interlocked.Exchange(ref slot.Flags, SentMessage.Delivered));
            }
        }
    }

    private void Settle(int flags)
    {
        if ((flags & (SentMessage.Acked | SentMessage.Delivered)) == SentMessage.Acked)
        {
            Backend?.Lose();
        }
    }

    private bool TryMark(ulong fingerprint, int flag, out long seq, out long sentAt, out bool already)
    {
        fingerprint = fingerprint == 0 ? 1 : fingerprint;
        var newest = Volatile.Read(ref _sequence);
        var repeat = 0L;
        var repeatAt = 0L;
        for (var s = Math.Max(1, newest - _sent.Length + 1); s <= newest; s++)
        {
            ref var slot = ref _sent[s % _sent.Length];
            if (Volatile.Read(ref slot.Fingerprint) != fingerprint || slot.Sequence != s)
            {
                continue;
            }

            var at = slot.SentAt;
            var before = Interlocked.Or(ref slot.Flags, flag);
            if ((before & flag) == 0)
            {
                seq = s;
                sentAt = at;
                already = false;
                return true;
            }

            if (repeat == 0)
            {
                (repeat, repeatAt) = (s, at); // seen before: a duplicate, unless an equal body later in the window is still unseen
            }
        }

        seq = repeat;
        sentAt = repeatAt;
        already = repeat != 0;
        return false;
    }

    /// <summary>The attempt connected (CONNACK, or a sessionless scenario's first successful request): when, as a Stopwatch timestamp.</summary>
    public long Connected()
    {
        Life.Succeeded(DeviceLifecycle.MillisecondsSince(AttemptDue)); // latency from when the attempt was due
        Life.Move(DeviceState.Connected);
        return Stopwatch.GetTimestamp();
    }
}
