using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using Simulator.Core.Buffers;
using Simulator.Core.Errors;
using Simulator.Core.Transport;

namespace Simulator.Core.Mqtt.Client;

/// <summary>
/// One MQTT 3.1.1 or 5.0 client session over any transport.
/// Thread-safety: publish, subscribe and unsubscribe may be called concurrently; sends are
/// serialized by one lock. Inbound messages are delivered on the receive loop, one at a time.
/// Memory: the receive side uses zero-byte reads, so an idle connection holds no rented buffer;
/// PUBLISH in and out allocates nothing in steady state (pooled acks, pooled async builders).
/// The connection ends exactly once; <see cref="Completion"/> tells why (null for our own DISCONNECT),
/// and its transport is closed exactly once. An ack's awaiter resumes on the receive loop at a safe
/// point, or on the thread pool when the connection ends under it (see <see cref="PendingAck"/>).
/// </summary>
internal sealed partial class MqttClientConnection : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly PipeReader _reader;
    private readonly MqttProtocolReader _packets;
    private readonly PipeWriter _writer;
    private readonly MqttClientOptions _options;
    private readonly MqttFrameWriter _frames;
    private SemaphoreSlim _inflight; // replaced once, before Start, when a v5 server's Receive Maximum is lower
    private readonly TaskCompletionSource<ConnectionFailedException?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _ackLock = new();
    private readonly Dictionary<ushort, PendingAck> _pending = [];
    private readonly Stack<PendingAck> _ackPool = new();
    private readonly MqttVersion _version;
    private long _keepAliveTicks; // set again, before Start, from a v5 server's Server Keep Alive
    private long _pingAfterTicks;
    private int _keepAliveSeconds;
    private ushort _nextPacketId;
    private long _lastSend;
    private long _pingSentAt;
    private readonly long _ackTimeoutTicks;
    private volatile LastAction _lastAction;
    private volatile LastAction _lastSent;
    private volatile bool _closing;
    private int _ended;
    private int _closeStarted;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MqttClientConnection(Stream stream, MqttClientOptions options, ConnectTimings timings)
    {
        _stream = stream;
        _options = options;
        Timings = timings;
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(pool: BlockMemoryPool.Instance, bufferSize: BlockMemoryPool.BlockSize, minimumReadSize: 512, leaveOpen: true, useZeroByteReads: true));
        _packets = new MqttProtocolReader(_reader, options.MaxPacketSize) { Version = options.Version };
        _version = options.Version;
        _writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(pool: BlockMemoryPool.Instance, minimumBufferSize: BlockMemoryPool.BlockSize, leaveOpen: true));
        _frames = new MqttFrameWriter(_writer);
        _inflight = new SemaphoreSlim(options.InflightWindow, options.InflightWindow);
        _ackTimeoutTicks = (long)(options.AckTimeout.TotalSeconds * Stopwatch.Frequency);
        SetKeepAlive(options.KeepAliveSeconds);
        _lastSend = Stopwatch.GetTimestamp();
        MessageReceived = options.MessageReceived;
    }

    /// <summary>The server's CONNACK: at level 5 its reason code and properties (Topic Alias Maximum, Server Keep Alive, the session expiry it granted).</summary>
    public ConnAckPacket ConnAck { get; private set; }

    /// <summary>The protocol level this connection speaks.</summary>
    public MqttVersion Version => _version;

    /// <summary>The keep-alive in force: the one asked for, or a v5 server's Server Keep Alive (v5 §3.2.2.3.14).</summary>
    public int KeepAliveSeconds => _keepAliveSeconds;

    public ConnectTimings Timings { get; }

    /// <summary>This connection's place in the keep-alive registry, -1 when not in it; read and written under its lock only.</summary>
    internal int KeepAliveSlot { get; set; } = -1;

    public string ClientId => _options.ClientId;

    /// <summary>Called for each message; starts as the options' handler. Set here, it may miss what a resumed session gets right behind CONNACK.</summary>
    public MqttMessageHandler? MessageReceived { get; set; }

    /// <summary>Completes when the connection ends: null after our DISCONNECT, else the classified reason.</summary>
    public Task<ConnectionFailedException?> Completion => _completion.Task;

    public bool IsConnected => Volatile.Read(ref _ended) == 0;

    /// <summary>The last packet the client sent (CONNECT, PUBLISH, SUBSCRIBE, …), kept after the server answers.</summary>
    public LastAction LastSent => _lastSent;

    /// <summary>Ends the connection now, without DISCONNECT: pending acks fail, the transport closes. Idempotent.</summary>
    public void Abort()
    {
        _closing = true;
        End(null);
    }

    /// <summary>Opens the transport, sends CONNECT and waits for CONNACK, all within the options' connect timeout.</summary>
    public static async Task<MqttClientConnection> ConnectAsync(TransportOptions transport, MqttClientOptions options, CancellationToken cancellationToken = default)
    {
        var timings = new ConnectTimings();
        var start = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        Stream stream;
        try
        {
            stream = await TransportConnector.ConnectAsync(transport with { ConnectTimeout = options.ConnectTimeout }, timings, timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            timings.TotalMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return await ConnectOverAsync(stream, options, timings, start, timeout.Token, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>CONNECT and CONNACK over a transport that is already open; the connection owns the stream from here, and closes it once.</summary>
    internal static async Task<MqttClientConnection> ConnectOverAsync(Stream stream, MqttClientOptions options, ConnectTimings timings, long start, CancellationToken timeout, CancellationToken caller)
    {
        var connection = new MqttClientConnection(stream, options, timings);
        try
        {
            await connection.HandshakeAsync(timeout, caller).ConfigureAwait(false);
        }
        catch
        {
            await connection.CloseTransportAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            timings.TotalMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        connection.Start();
        return connection;
    }

    public async Task DisconnectAsync()
    {
        if (_closing || !IsConnected)
        {
            return;
        }

        _closing = true;
        try
        {
            await _frames.WriteAsync(0, static (w, _) => EmptyPacket.Write(w, MqttPacketType.Disconnect)).ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransportError(e))
        {
            // The server is gone already, or the transport was closed under us; the end is recorded below either way.
        }

        End(null);
    }

    /// <summary>Disconnects if still connected, then waits until the transport is closed (by whoever closed it first).</summary>
    public async ValueTask DisposeAsync()
    {
        if (IsConnected)
        {
            await DisconnectAsync().ConfigureAwait(false);
        }

        await CloseTransportAsync().ConfigureAwait(false);
    }

    private void SetKeepAlive(int seconds)
    {
        _keepAliveSeconds = seconds;
        _keepAliveTicks = seconds * Stopwatch.Frequency;

        // Ping a little before the interval ends: the scheduler ticks every 250 ms, and the spec
        // wants a packet within the interval, not merely within the broker's 1.5x grace.
        _pingAfterTicks = Math.Max(_keepAliveTicks / 2, _keepAliveTicks - (Stopwatch.Frequency / 2));
    }

    private async Task HandshakeAsync(CancellationToken timeout, CancellationToken caller)
    {
        var v5 = _version == MqttVersion.V500;
        var connect = new ConnectPacket
        {
            ClientId = _options.ClientId,
            CleanSession = _options.CleanSession,
            KeepAliveSeconds = _options.KeepAliveSeconds,
            Username = _options.Username,
            Password = _options.Password,
            ProtocolLevel = (byte)_version,
            Properties = v5 ? ConnectProperties() : null,
        };
        var t0 = Stopwatch.GetTimestamp();
        try
        {
            connect.Write(_writer);
            await _writer.FlushAsync(timeout).ConfigureAwait(false);
            _lastAction = _lastSent = LastAction.Connect;
            var read = await _packets.ReadAsync(timeout).ConfigureAwait(false);
            if (read.IsCompleted)
            {
                throw new ConnectionFailedException(FailureKind.ClosedAfterConnect, "the server closed the connection after CONNECT without a CONNACK (AWS custom-auth denial)");
            }

            ConnAckPacket ack;
            try
            {
                if (read.Packet.Type != MqttPacketType.ConnAck)
                {
                    throw new ConnectionFailedException(FailureKind.ProtocolViolation, $"expected CONNACK, got {read.Packet.Type}");
                }

                ack = ConnAckPacket.Read(read.Packet, _version);
            }
            finally
            {
                // What the server sent behind CONNACK stays buffered for the receive loop.
                _packets.Advance();
            }

            Timings.ConnAckMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            ConnAck = ack;
            if (v5 && !ack.Accepted)
            {
                var reason = ack.Properties?.ReasonString is { } text ? $": {text}" : string.Empty;
                throw new ConnectionFailedException(FailureKind.ConnAckRefused, $"CONNACK 0x{(byte)ack.ReasonCode:X2} ({MqttReasonCodes.Name(ack.ReasonCode)}){reason}", connAckCode: (int)ack.ReasonCode, failureClass: MqttReasonCodes.FailureClass(MqttPacketType.ConnAck, ack.ReasonCode));
            }

            if (!ack.Accepted)
            {
                throw new ConnectionFailedException(FailureKind.ConnAckRefused, $"CONNACK {(int)ack.ReturnCode} ({ack.ReturnCode})", connAckCode: (int)ack.ReturnCode);
            }

            if (v5)
            {
                ApplyConnAck(ack.Properties);
            }

            _lastAction = LastAction.None;
        }
        catch (MqttProtocolException e)
        {
            throw new ConnectionFailedException(FailureKind.ProtocolViolation, e.Message, inner: e);
        }
        catch (OperationCanceledException e) when (!caller.IsCancellationRequested)
        {
            throw new ConnectionFailedException(FailureKind.ConnectTimeout, $"no CONNACK within {_options.ConnectTimeout.TotalSeconds:0.#} s", inner: e);
        }
        catch (Exception e) when (IsTransportError(e))
        {
            throw new ConnectionFailedException(FailureKind.ClosedAfterConnect, "the connection broke after CONNECT: " + e.Message, inner: e);
        }
    }

    /// <summary>CONNECT's v5 properties: session expiry, our packet size limit, no server-chosen aliases, user properties.</summary>
    private MqttProperties ConnectProperties() => new()
    {
        SessionExpiryInterval = _options.SessionExpirySeconds == 0 ? null : _options.SessionExpirySeconds,
        MaximumPacketSize = (uint)_options.MaxPacketSize,
        ReceiveMaximum = (ushort)Math.Clamp(_options.InflightWindow, 1, ushort.MaxValue),
        UserProperties = _options.UserProperties.Count == 0 ? null : [.. _options.UserProperties],
    };

    /// <summary>What a v5 CONNACK tells a client to do (v5 §3.2.2.3): keep-alive, in-flight window, topic aliases, packet size.</summary>
    private void ApplyConnAck(MqttProperties? p)
    {
        _serverMaxPacket = p?.MaximumPacketSize ?? 0;

        if (p?.ServerKeepAlive is { } keepAlive)
        {
            SetKeepAlive(keepAlive); // [MQTT-3.2.2-21]: the client must use the server's value
        }

        if (p?.ReceiveMaximum is { } receive && receive < _options.InflightWindow)
        {
            _inflight.Dispose();
            _inflight = new SemaphoreSlim(receive, receive); // [MQTT-3.3.4-7]
        }

        if (_options.TopicAliases && p?.TopicAliasMaximum is { } max && max > 0)
        {
            _aliasTopics = new ReadOnlyMemory<byte>[Math.Min((int)max, 64)];
        }
    }

    private void Start()
    {
        // Registered before the receive loop starts: a loop that ends at once unregisters after, not
        // before, the registration (else the scheduler would hold the dead connection forever).
        if (_keepAliveSeconds > 0 || _ackTimeoutTicks > 0)
        {
            KeepAliveScheduler.Register(this);
        }

        _ = Task.Run(ReceiveLoopAsync);
    }

    // NotSupportedException: a WebSocketStream whose peer sent its close frame stops being readable,
    // and the next read says so instead of returning 0; that is the server closing, nothing else.
    private static bool IsTransportError(Exception e) =>
        e is IOException or ObjectDisposedException or System.Net.WebSockets.WebSocketException or System.Net.Sockets.SocketException or InvalidOperationException or NotSupportedException;

    /// <summary>Records the end once, fails every pending ack and closes the transport.</summary>
    private void End(ConnectionFailedException? reason)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        KeepAliveScheduler.Unregister(this);
        var error = reason ?? new ConnectionFailedException(FailureKind.Cancelled, "the client disconnected");
        lock (_ackLock)
        {
            foreach (var ack in _pending.Values)
            {
                ack.Fail(error);
            }

            _pending.Clear();
        }

        _completion.TrySetResult(reason);
        _ = CloseTransportAsync();
    }

    /// <summary>
    /// Closes the transport exactly once, whichever thread gets here first (the receive loop at the
    /// server's close, the device at its stop, the keep-alive scan, a failed handshake); every
    /// caller gets the same task. Two disposals at once of an SslStream or a WebSocket are not safe.
    /// </summary>
    private Task CloseTransportAsync()
    {
        if (Interlocked.Exchange(ref _closeStarted, 1) == 0)
        {
            _ = DisposeTransportOnceAsync();
        }

        return _closed.Task;
    }

    private async Task DisposeTransportOnceAsync()
    {
        try
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransportError(e) || e is System.Security.Authentication.AuthenticationException)
        {
            // Closing a broken transport may throw; there is nothing left to tell anyone.
        }
        finally
        {
            _closed.TrySetResult();
        }
    }

    private ConnectionFailedException ClassifyClose(string how)
    {
        return _lastAction switch
        {
            LastAction.Publish => new ConnectionFailedException(FailureKind.ClosedAfterPublish, $"the server {how} after a PUBLISH (AWS policy denial)"),
            LastAction.Subscribe => new ConnectionFailedException(FailureKind.ClosedAfterSubscribe, $"the server {how} after a SUBSCRIBE (AWS policy denial)"),
            _ => new ConnectionFailedException(FailureKind.ClosedByServer, $"the server {how}"),
        };
    }
}
