using Simulator.Core.CustomAuth;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;

namespace Simulator.Core.Load.Scenarios;

/// <summary>
/// A device's MQTT connect as the profile says (token, transport, TLS provider, link), with every
/// phase recorded, and its HTTPS publishing client: what every scenario written on the scenario
/// API connects with.
/// </summary>
internal sealed class MqttConnector(DeviceSettings device, DeviceTransportOptions transport, DeviceEndpoint endpoint, ITokenSource tokens, IDeviceRecorder recorder)
{
    public ITokenSource Tokens => tokens;

    /// <summary>Where an HTTPS publish carries the custom-auth values.</summary>
    public CredentialPlacement Placement => transport.Credentials == CredentialsMode.Query ? CredentialPlacement.Query : CredentialPlacement.Headers;

    /// <summary>The device's credentials, fetched or signed as the profile says; throws <see cref="AttemptFailedException"/>.</summary>
    public ValueTask<CustomAuthCredentials> CredentialsAsync(ScenarioDevice d, CancellationToken stop) => tokens.GetAsync(d.Identity, recorder, stop);

    /// <summary>The device's HTTPS publishing client: one kept-alive TLS connection over its link.</summary>
    public HttpsPublisher Https(ScenarioDevice d) => new(DeviceTransport.Https(endpoint, transport, d.Identity.Index, d.Link));

    /// <summary>Connects; throws <see cref="AttemptFailedException"/> (token) or <see cref="Errors.ConnectionFailedException"/>, for the caller to count.</summary>
    public async Task<MqttClientConnection> ConnectAsync(ScenarioDevice d, MqttMessageHandler onMessage, CancellationToken stop)
    {
        var clientId = tokens.ClientIdOf(d.Identity);
        var creds = transport.Kind == DeviceTransportKind.MqttTcp ? null : await tokens.GetAsync(d.Identity, recorder, stop).ConfigureAwait(false);
        var (options, client) = DeviceTransport.Build(endpoint, transport, device, d.Identity.Index, clientId, creds, transport.TlsResume ? d.TlsSession : null, d.Link);

        // The handler rides in the options: a resumed session's stored messages may come right behind CONNACK.
        var connection = await MqttClientConnection.ConnectAsync(options, client with { MessageReceived = onMessage }, stop).ConfigureAwait(false);
        var t = connection.Timings;
        recorder.Record(Phase.Dns, t.DnsMs);
        recorder.Record(Phase.Tcp, t.TcpMs);
        recorder.Record(Phase.Tls, t.TlsMs);
        recorder.Record(Phase.WebSocket, t.WebSocketMs);
        recorder.Record(Phase.ConnAck, t.ConnAckMs);
        return connection;
    }
}
