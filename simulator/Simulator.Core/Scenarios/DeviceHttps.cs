using Simulator.Core.Mqtt;

namespace Simulator.Core.Scenarios;

/// <summary>
/// A device publishing over HTTPS as AWS IoT Core takes it (<c>POST /topics/{topic}?qos=N</c>, the
/// profile's custom-auth values in headers or the query), opened by
/// <see cref="DeviceContext.OpenHttpsAsync"/>. There is no session: the first publish that
/// succeeds connects the device (its attempt counted, its latency from when the attempt was due);
/// a failure before it fails the attempt, one after it drops the device's "session", each named
/// (<c>Http403</c>, <c>TlsHandshake</c>, …). Each publish's time goes into the <c>httpPublish</c>
/// histogram. Requests go one at a time over one kept-alive TLS connection, as a modem's HTTP
/// client sends them; not thread-safe.
/// </summary>
public sealed class DeviceHttps : IDisposable
{
    private readonly DeviceContext _context;

    internal DeviceHttps(DeviceContext context) => _context = context;

    /// <summary>Publishes <paramref name="payload"/> on <paramref name="topic"/>; a refusal throws a <see cref="StepFailedException"/> named by its status (<c>Http403</c>).</summary>
    public Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQos qos = MqttQos.AtLeastOnce)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        return _context.Host.HttpsPublishAsync(topic, payload, qos, _context.Stopping);
    }

    /// <summary>
    /// Publishes the device's next message as the profile's payload model renders it (see
    /// <see cref="DeviceSession.PublishNextMessageAsync"/>); a backend consumer counts it delivered,
    /// lost or duplicated once it was accepted.
    /// </summary>
    public Task PublishNextMessageAsync(string topic, MqttQos qos = MqttQos.AtLeastOnce)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        return _context.Host.HttpsPublishAsync(topic, null, qos, _context.Stopping);
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose() => _context.Host.CloseHttps();
}
