using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Simulator.Core.Mqtt;
using Simulator.Gateway.Auth;
using Simulator.Gateway.Config;
using Simulator.Gateway.Policy;
namespace Simulator.Gateway.Broker;

/// <summary>CONNECT and custom auth: both connect throttles, the authorizer (unless the upgrade ran it), iot:Connect, the CONNACK; then the timer's tick (TTL, policy refresh, keep-alive) and the refresh itself.</summary>
public sealed partial class MqttServerSession
{
    internal void OnTick(DateTimeOffset now)
    {
        if (now >= _disconnectAt)
        {
            Close(DisconnectReason.CustomAuthTtlExpiration);
            return;
        }

        if (now.UtcTicks >= Volatile.Read(ref _refreshAtTicks) && _connectRequest is not null && Interlocked.Exchange(ref _refreshing, 1) == 0)
        {
            _ = RefreshAsync();
        }

        var keepAlive = Volatile.Read(ref _keepAliveMs);
        if (keepAlive > 0 && Environment.TickCount64 - Volatile.Read(ref _lastReceiveTicks) > keepAlive * 3 / 2)
        {
            Close(DisconnectReason.KeepAliveTimeout);
        }
    }

    private async Task<bool> ConnectAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ConnectTimeout);
        var read = await _packets.ReadAsync(timeout.Token).ConfigureAwait(false);
        if (read.IsCompleted)
        {
            return false;
        }

        ConnectPacket connect;
        try
        {
            if (read.Packet.Type != MqttPacketType.Connect)
            {
                return false; // [MQTT-3.1.0-1]: the first packet must be CONNECT
            }

            try
            {
                connect = ConnectPacket.Read(read.Packet);
            }
            catch (MqttProtocolException e) when (e.Code == MqttErrorCode.UnsupportedProtocolLevel)
            {
                await _frames.WriteAsync(0, static (w, _) => new ConnAckPacket(false, ConnAckReturnCode.UnacceptableProtocolVersion).Write(w), ct).ConfigureAwait(false);
                return false;
            }
        }
        finally
        {
            // Packets a client sent right behind its CONNECT ([MQTT-3.1.4-5] allows it) stay buffered,
            // so the session's loop reads them at once instead of waiting for more bytes.
            _packets.Advance();
        }

        ClientId = connect.ClientId;
        _context = new PolicyContext(connect.ClientId);
        _connectRequest = _baseRequest with { MqttUsername = connect.Username, MqttPassword = connect.Password, ClientId = connect.ClientId, ConnectionId = _connectionId };
        // The connect rates: before the authorizer by default (QuotaOptions.ThrottledConnectsInvokeAuthorizer),
        // on every transport. A WebSocket upgrade with custom-auth values checked the account's rate
        // before its authorizer ran; the client id's rate needs the CONNECT, so it is checked here.
        var invokeWhenThrottled = _broker.Quotas.ThrottledConnectsInvokeAuthorizer;
        var accountTaken = _upgradeQuota == UpgradeConnectQuota.Taken;
        if (_upgradeQuota == UpgradeConnectQuota.Throttled)
        {
            return Throttled("Connect.Throttle");
        }

        if (!invokeWhenThrottled && !_broker.TryConnectQuota(connect.ClientId, accountTaken))
        {
            return Throttled("connect rate");
        }

        if (_auth is null)
        {
            _auth = await _broker.Auth.AuthenticateAsync(_connectRequest, ct).ConfigureAwait(false);
            if (!_auth.Allowed)
            {
                return false; // AWS closes the connection without a CONNACK (A.4)
            }
        }

        if (invokeWhenThrottled && !_broker.TryConnectQuota(connect.ClientId, accountTaken))
        {
            return Throttled("connect rate");
        }

        if (!_auth.Policy!.IsAllowed(IotAction.Connect, _broker.Arn.Client(connect.ClientId), _context))
        {
            _broker.Counters.Denied(DenyReason.PolicyDenied);
            return false;
        }

        var now = _broker.Time.GetUtcNow();
        _disconnectAt = now.AddSeconds(_auth.DisconnectAfterSeconds);
        Volatile.Write(ref _refreshAtTicks, now.AddSeconds(_auth.RefreshAfterSeconds + FirstRefreshJitter(_auth.RefreshAfterSeconds)).UtcTicks);
        Volatile.Write(ref _keepAliveMs, EffectiveKeepAlive(connect.KeepAliveSeconds) * 1000L);

        _broker.Register(this)?.Close(DisconnectReason.DuplicateClientId);
        _broker.Counters.Connected();
        await _frames.WriteAsync(0, static (w, _) => new ConnAckPacket(false, ConnAckReturnCode.Accepted).Write(w), ct).ConfigureAwait(false);

        await _broker.PublishLifecycleAsync(this, connected: true, null).ConfigureAwait(false);
        return true;
    }

    /// <summary>A throttled connect: counted as denied, one line in the log, closed without a CONNACK.</summary>
    private bool Throttled(string which)
    {
        _broker.Counters.Denied(DenyReason.Throttled);
        _broker.LogThrottledConnect(_baseRequest.Protocol, ClientId ?? "-", which);
        return false;
    }

    private int EffectiveKeepAlive(int requested)
    {
        if (!_broker.Quotas.ClampKeepAlive)
        {
            return requested;
        }

        return requested switch
        {
            0 or > 1200 => 1200,
            < 30 => 30,
            _ => requested,
        };
    }

    /// <summary>
    /// The first refresh comes refreshAfterInSeconds after connect plus up to 5 minutes (at most
    /// refreshAfterInSeconds) of jitter, so a fleet that connected at once does not refresh at once.
    /// </summary>
    private static double FirstRefreshJitter(int refreshAfterSeconds) => Random.Shared.NextDouble() * Math.Min(300, refreshAfterSeconds);

    /// <summary>
    /// A policy refresh on the broker's timer, as AWS refreshes every refreshAfterInSeconds whether or
    /// not the device sends anything: the same connectionMetadata.id and protocol data as the connect,
    /// counted apart. A denied or failed refresh disconnects the device.
    /// </summary>
    private async Task RefreshAsync()
    {
        var due = new DateTimeOffset(Volatile.Read(ref _refreshAtTicks), TimeSpan.Zero);
        try
        {
            var outcome = await _broker.Auth.AuthenticateAsync(_connectRequest! with { IsRefresh = true }, _closed.Token).ConfigureAwait(false);
            if (!outcome.Allowed)
            {
                Close(DisconnectReason.AuthError);
                return;
            }

            Volatile.Write(ref _auth, outcome);

            // From when it was due, not when the timer's tick ran it: the period stays refreshAfterInSeconds.
            Volatile.Write(ref _refreshAtTicks, due.AddSeconds(outcome.RefreshAfterSeconds).UtcTicks);
        }
        catch (OperationCanceledException)
        {
            // The connection closed meanwhile.
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }
}
