using System.Diagnostics;
using Simulator.Core.CustomAuth;
using Simulator.Core.Errors;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;
using Simulator.Core.Transport;

namespace Simulator.Core.Load.Scenarios;

/// <summary>HTTPS publish: no session, each publish a POST with the custom-auth values; "connected" once one succeeded.</summary>
internal sealed class HttpsPublishScenario : IDeviceScenario
{
    private readonly DeviceSettings _device;
    private readonly TopicTemplate _topic;
    private readonly DeviceTransportOptions _transport;
    private readonly DeviceEndpoint _endpoint;
    private readonly ITokenSource _tokens;
    private readonly DelayScheduler _scheduler;
    private readonly IDeviceRecorder _recorder;

    public HttpsPublishScenario(DeviceSettings device, DeviceTransportOptions transport, DeviceEndpoint endpoint, ITokenSource tokens, DelayScheduler scheduler, IDeviceRecorder recorder)
    {
        _device = device;
        _topic = TopicTemplate.Parse(device.Topic);
        _transport = transport;
        _endpoint = endpoint;
        _tokens = tokens;
        _scheduler = scheduler;
        _recorder = recorder;
    }

    public async Task<SessionEnd> RunAsync(ScenarioDevice d, CancellationToken stop)
    {
        var clientId = _tokens.ClientIdOf(d.Identity);
        CustomAuthCredentials creds;
        try
        {
            creds = await _tokens.GetAsync(d.Identity, _recorder, stop).ConfigureAwait(false);
        }
        catch (AttemptFailedException e)
        {
            d.Life.Failed(e.FailureClass);
            return SessionEnd.Failed(e.FailureClass);
        }

        using var publisher = new HttpsPublisher(DeviceTransport.Https(_endpoint, _transport, d.Identity.Index, d.Link));
        var placement = _transport.Credentials == CredentialsMode.Query ? CredentialPlacement.Query : CredentialPlacement.Headers;
        var topic = _topic.For(clientId);
        var connected = false;
        var first = true;
        long connectedAt = 0;
        while (true)
        {
            if (connected)
            {
                var interval = PublishSchedule.NextSeconds(_device, first);
                first = false;
                await _scheduler.Delay(TimeSpan.FromSeconds(interval), stop).ConfigureAwait(false);
            }

            var t0 = Stopwatch.GetTimestamp();
            HttpsPublishResult result;
            using (var message = d.NextMessage(t0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()))
            {
                try
                {
                    result = await publisher.PublishAsync(topic, message.Body, _device.Qos, creds, placement, stop, clientId).ConfigureAwait(false);
                }
                catch (ConnectionFailedException e) when (!stop.IsCancellationRequested)
                {
                    return d.FailOrDrop(_recorder, e.FailureClass, connected, connectedAt);
                }

                if (result.IsSuccess)
                {
                    d.Acknowledged(message.Sequence); // accepted: a backend should get it
                }
            }

            if (!result.IsSuccess)
            {
                return d.FailOrDrop(_recorder, $"Http{result.StatusCode}", connected, connectedAt);
            }

            _recorder.Record(Phase.HttpPublish, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            _recorder.Published();
            if (!connected)
            {
                connected = true;
                connectedAt = d.Connected();
            }

            // A visit publishes once (its "connect" over HTTPS) and leaves.
            if (d.Life.IsVisit)
            {
                return SessionEnd.Planned;
            }
        }
    }
}
