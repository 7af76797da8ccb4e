using System.Buffers;
using System.IO.Pipelines;
using Simulator.Core.Mqtt;
using Simulator.Core.Transport;

namespace Simulator.Tests.Support;

/// <summary>An MQTT session by hand: packets read with our reader, nothing acknowledged or sent unless the test writes it, and closed without a DISCONNECT.</summary>
internal sealed class RawMqttSession : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly MqttProtocolReader _reader;
    private bool _read;

    private RawMqttSession(Stream stream, MqttVersion version)
    {
        _stream = stream;
        _reader = new MqttProtocolReader(PipeReader.Create(stream), 64 * 1024) { Version = version };
    }

    /// <summary>Opens the transport and sends the CONNECT; the CONNACK is the first packet <see cref="NextAsync"/> reads.</summary>
    public static async Task<RawMqttSession> ConnectAsync(TransportOptions transport, ConnectPacket connect)
    {
        var stream = await TransportConnector.ConnectAsync(transport, new ConnectTimings(), CancellationToken.None);
        var session = new RawMqttSession(stream, connect.ProtocolLevel == 5 ? MqttVersion.V500 : MqttVersion.V311);
        await session.SendAsync(connect.Write);
        return session;
    }

    public async Task SendAsync(Action<IBufferWriter<byte>> write)
    {
        var w = new ArrayBufferWriter<byte>();
        write(w);
        await _stream.WriteAsync(w.WrittenMemory);
        await _stream.FlushAsync();
    }

    public async Task<MqttReadResult> NextAsync()
    {
        if (_read)
        {
            _reader.Advance();
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var read = await _reader.ReadAsync(cts.Token);
        Assert.False(read.IsCompleted, "the gateway closed the connection");
        _read = true;
        return read;
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
