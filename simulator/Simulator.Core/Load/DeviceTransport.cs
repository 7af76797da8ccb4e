using Simulator.Core.CustomAuth;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Core.Transport.Link;
using Simulator.Core.Transport.OpenSsl;

namespace Simulator.Core.Load;

/// <summary>Where a profile's transport puts a device's credentials: WebSocket headers or query, or the MQTT username (A.1).</summary>
internal static class DeviceTransport
{
    /// <summary>"OpenSSL 3.0.19", "SslStream", "SslStream (HTTPS)" or "none": the TLS a profile's devices connect with.</summary>
    public static string TlsName(DeviceTransportOptions transport) => transport.Kind switch
    {
        DeviceTransportKind.MqttTcp => "none",
        DeviceTransportKind.HttpsPublish => "SslStream (HTTPS)",
        _ => TlsProviders.Describe(transport.Tls),
    };

    /// <summary>An HTTPS-publish device's connection: the same resolved address, server name, trust, source address, timeout and budget as an MQTT device's.</summary>
    /// <param name="link">The device's radio link, kept across its connects (<see cref="LinkFor"/>); null is loopback speed.</param>
    public static TransportOptions Https(DeviceEndpoint endpoint, DeviceTransportOptions transport, int deviceIndex, LinkModel? link = null) => new()
    {
        Link = link,
        Kind = TransportKind.Tls,
        Host = endpoint.Address ?? endpoint.Host,
        ServerName = endpoint.Host,
        Port = endpoint.Port,
        CaFile = endpoint.CaFile,
        InsecureSkipVerify = endpoint.Insecure,
        TlsResume = transport.TlsResume,
        LocalAddress = endpoint.SourceFor(deviceIndex),
        ConnectTimeout = TimeSpan.FromSeconds(transport.ConnectTimeoutSeconds),
        FdBudget = endpoint.Fds,
    };

    /// <param name="session">The device's own TLS session cache, kept across its reconnects; used when the profile sets tlsResume.</param>
    /// <param name="link">The device's radio link, kept across its connects (<see cref="LinkFor"/>); null is loopback speed.</param>
    public static (TransportOptions Transport, MqttClientOptions Options) Build(DeviceEndpoint endpoint, DeviceTransportOptions profileTransport, DeviceSettings device, int deviceIndex, string clientId, CustomAuthCredentials? creds, TlsSessionSlot? session = null, LinkModel? link = null)
    {
        var kind = profileTransport.Kind;
        var inQuery = profileTransport.Credentials == CredentialsMode.Query;
        var inUsername = kind == DeviceTransportKind.MqttAlpn || profileTransport.Credentials == CredentialsMode.Username;
        var wss = kind == DeviceTransportKind.WssCustomAuth && creds is not null && profileTransport.Credentials != CredentialsMode.Username;
        var transport = new TransportOptions
        {
            Kind = kind switch
            {
                DeviceTransportKind.WssCustomAuth => TransportKind.SecureWebSocket,
                DeviceTransportKind.MqttAlpn => TransportKind.Tls,
                _ => TransportKind.Tcp,
            },
            Host = endpoint.Address ?? endpoint.Host,
            ServerName = endpoint.Host,
            Port = endpoint.Port,
            CaFile = endpoint.CaFile,
            InsecureSkipVerify = endpoint.Insecure,
            TlsResume = profileTransport.TlsResume,
            Tls = profileTransport.ResolvedTls,
            TlsSession = session,
            Alpn = kind == DeviceTransportKind.MqttAlpn ? ["mqtt"] : null,
            LocalAddress = endpoint.SourceFor(deviceIndex),
            WebSocketSubprotocol = profileTransport.Subprotocol,
            Headers = wss && !inQuery ? [.. creds!.ToHeaders()] : [],
            Query = wss && inQuery ? creds!.ToQuery() : null,
            ConnectTimeout = TimeSpan.FromSeconds(profileTransport.ConnectTimeoutSeconds),
            FdBudget = endpoint.Fds,
            Link = link,
        };
        var options = new MqttClientOptions
        {
            ClientId = clientId,
            Username = inUsername && kind is DeviceTransportKind.MqttAlpn or DeviceTransportKind.WssCustomAuth && creds is not null ? creds!.ToUsername(clientId) : null,
            KeepAliveSeconds = (ushort)device.KeepAliveSeconds,
            ConnectTimeout = TimeSpan.FromSeconds(profileTransport.ConnectTimeoutSeconds),
            AckTimeout = TimeSpan.FromSeconds(device.AckTimeoutSeconds),
            CleanSession = device.CleanSession,
        };
        if (device.MqttVersion == MqttVersion.V500)
        {
            var m = device.Mqtt5;
            options = options with
            {
                Version = MqttVersion.V500,
                CleanSession = m.CleanStart,
                SessionExpirySeconds = m.SessionExpirySeconds,
                UserProperties = UserProperties(m.UserProperties, clientId) ?? [],
                TopicAliases = m.TopicAliases,
                PublishProperties = new MqttProperties
                {
                    ContentType = m.ContentType,
                    MessageExpiryInterval = m.MessageExpirySeconds,
                    UserProperties = UserProperties(m.PublishUserProperties, clientId),
                }.Encode(),
            };
        }

        return (transport, options);
    }

    private static List<MqttUserProperty>? UserProperties(Dictionary<string, string>? properties, string clientId) =>
        properties is null or { Count: 0 } ? null : [.. properties.Select(p => new MqttUserProperty(p.Key, p.Value.Replace("{id}", clientId, StringComparison.Ordinal)))];

    /// <summary>A device's radio link, on the shared timer; null at loopback speed. One per device: its rate is shared by its connections.</summary>
    public static LinkModel? LinkFor(LinkSettings settings, ITimerQueue timers, int deviceIndex) =>
        settings.Resolve() is { } profile ? new LinkModel(profile, timers, deviceIndex) : null;
}
