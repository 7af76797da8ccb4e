using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Simulator.Core.Mqtt;

/// <summary>
/// The one MQTT packet reader (3.1.1 §2.2 and 5.0 §2.1 framing through <see cref="MqttFraming"/>)
/// that the client and the gateway's sessions share, for both versions: the framing is the same,
/// and <see cref="Version"/> only admits AUTH at level 5. A packet it returns is a slice of the pipe's buffer
/// and stays valid until <see cref="Advance"/>; what follows it stays buffered and unexamined,
/// so packets a peer pipelined (for example behind CONNECT, [MQTT-3.1.4-5]) are read at once.
/// </summary>
internal sealed class MqttProtocolReader
{
    private readonly PipeReader _reader;
    private readonly int _maxPacketSize;
    private SequencePosition _consumed;
    private bool _holding;

    public MqttProtocolReader(PipeReader reader, int maxPacketSize)
    {
        _reader = reader;
        _maxPacketSize = maxPacketSize;
    }

    public PipeReader Pipe => _reader;

    /// <summary>Set once the CONNECT's protocol level is known (the gateway) or sent (the client).</summary>
    public MqttVersion Version { get; set; } = MqttVersion.V311;

    /// <summary>
    /// Waits for one whole packet. <see cref="MqttReadResult.IsCompleted"/> when the peer ended
    /// the stream first; bytes of a packet it left unfinished are counted in
    /// <see cref="MqttReadResult.TrailingBytes"/>.
    /// </summary>
    /// <exception cref="MqttProtocolException">The peer broke the framing rules.</exception>
    public ValueTask<MqttReadResult> ReadAsync(CancellationToken ct = default)
    {
        EnsureNotHolding();
        var pending = _reader.ReadAsync(ct);
        if (pending.IsCompletedSuccessfully)
        {
            var result = pending.Result;
            if (Frame(result, out var packet))
            {
                return new ValueTask<MqttReadResult>(new MqttReadResult(packet));
            }

            if (result.IsCompleted)
            {
                return new ValueTask<MqttReadResult>(MqttReadResult.Completed(result.Buffer.Length));
            }
        }
        else
        {
            return ReadSlowAsync(pending, ct);
        }

        return ReadSlowAsync(_reader.ReadAsync(ct), ct);
    }

    /// <summary>Takes the next packet from what is already buffered, without waiting.</summary>
    public bool TryRead(out MqttPacket packet)
    {
        EnsureNotHolding();
        packet = default;
        return _reader.TryRead(out var result) && Frame(result, out packet);
    }

    /// <summary>Consumes the packet last returned; its bytes may be reused after this.</summary>
    public void Advance()
    {
        if (!_holding)
        {
            throw new InvalidOperationException("no packet to advance past");
        }

        _holding = false;
        _reader.AdvanceTo(_consumed);
    }

    // Pooled so a connection that waits for each packet allocates nothing per packet.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<MqttReadResult> ReadSlowAsync(ValueTask<ReadResult> pending, CancellationToken ct)
    {
        while (true)
        {
            var result = await pending.ConfigureAwait(false);
            if (Frame(result, out var packet))
            {
                return new MqttReadResult(packet);
            }

            if (result.IsCompleted)
            {
                return MqttReadResult.Completed(result.Buffer.Length);
            }

            pending = _reader.ReadAsync(ct);
        }
    }

    /// <summary>Frames one packet and holds it, or marks everything examined and releases the buffer.</summary>
    private bool Frame(in ReadResult result, out MqttPacket packet)
    {
        var buffer = result.Buffer;
        bool framed;
        try
        {
            framed = MqttFraming.TryRead(ref buffer, _maxPacketSize, Version, out packet);
        }
        catch
        {
            _reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            throw;
        }

        if (framed)
        {
            _consumed = buffer.Start;
            _holding = true;
            return true;
        }

        _reader.AdvanceTo(buffer.Start, buffer.End);
        return false;
    }

    private void EnsureNotHolding()
    {
        if (_holding)
        {
            throw new InvalidOperationException("Advance past the last packet before reading the next");
        }
    }
}
