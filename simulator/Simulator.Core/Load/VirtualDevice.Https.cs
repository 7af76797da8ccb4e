using System.Diagnostics;
using Simulator.Core.Errors;
using Simulator.Core.Metrics;
using Simulator.Core.Transport;

namespace Simulator.Core.Load;

/// <summary>HTTPS publish: no session, each publish a POST with the custom-auth values; "connected" once one succeeded.</summary>
public sealed partial class VirtualDevice
{
    private async Task<SessionEnd> RunHttpsAsync(CancellationToken stop)
    {
        var device = _ctx.Profile.Device;
        var clientId = _ctx.Tokens.ClientIdOf(_identity);
        Simulator.Core.CustomAuth.CustomAuthCredentials creds;
        try
        {
            creds = await _ctx.Tokens.GetAsync(_identity, stop).ConfigureAwait(false);
        }
        catch (AttemptFailedException e)
        {
            _life.Failed(e.FailureClass);
            return SessionEnd.Failed(e.FailureClass);
        }

        using var publisher = new HttpsPublisher(DeviceTransport.Https(_ctx, _identity.Index));
        var placement = _ctx.Profile.Transport.Credentials == Profiles.CredentialsMode.Query ? CredentialPlacement.Query : CredentialPlacement.Headers;
        var topic = device.Topic.Replace("{id}", clientId, StringComparison.Ordinal);
        var connected = false;
        var first = true;
        long connectedAt = 0;
        while (true)
        {
            if (connected)
            {
                var interval = PublishSchedule.NextSeconds(device, first);
                first = false;
                await _ctx.Scheduler.Delay(TimeSpan.FromSeconds(interval), stop).ConfigureAwait(false);
            }

            var payload = _payload.Write(++_sequence, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            var t0 = Stopwatch.GetTimestamp();
            HttpsPublishResult result;
            try
            {
                result = await publisher.PublishAsync(topic, payload, device.Qos, creds, placement, stop, clientId).ConfigureAwait(false);
            }
            catch (ConnectionFailedException e) when (!stop.IsCancellationRequested)
            {
                return Fail(e.Kind.ToString(), connected, connectedAt);
            }

            if (!result.IsSuccess)
            {
                return Fail($"Http{result.StatusCode}", connected, connectedAt);
            }

            var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            _ctx.Metrics.Record(Phase.HttpPublish, ms);
            _ctx.Metrics.Published();
            if (!connected)
            {
                connected = true;
                connectedAt = Stopwatch.GetTimestamp();
                Succeeded();
                _life.Move(DeviceState.Connected);
            }

            // A visit publishes once (its "connect" over HTTPS) and leaves.
            if (_life.IsVisit)
            {
                return SessionEnd.Planned;
            }
        }
    }

    /// <summary>A failed request: a drop when the device had connected (HTTPS and REST have no session to lose otherwise), else the attempt's failure.</summary>
    private SessionEnd Fail(string failureClass, bool wasConnected, long connectedAt)
    {
        if (wasConnected)
        {
            _ctx.Metrics.SessionDropped(failureClass, "Publish", DeviceLifecycle.MillisecondsSince(connectedAt));
            return SessionEnd.Lost;
        }

        _life.Failed(failureClass);
        return SessionEnd.Failed(failureClass);
    }
}
