using Simulator.Core.CustomAuth;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Core.Transport.OpenSsl;

namespace Simulator.Core.Load;

/// <summary>Where a profile's transport puts a device's credentials: WebSocket headers or query, or the MQTT username (A.1).</summary>
public static class DeviceTransport
{
    /// <summary>"OpenSSL 3.0.19", "SslStream", "SslStream (HTTPS)" or "none": the TLS a profile's devices connect with.</summary>
    public static string TlsName(DeviceTransportOptions transport) => transport.Kind switch
    {
        DeviceTransportKind.MqttTcp => "none",
        DeviceTransportKind.HttpsPublish => "SslStream (HTTPS)",
        _ => TlsProviders.Describe(transport.Tls),
    };

    /// <summary>An HTTPS-publish device's connection: the same resolved address, server name, trust, source address, timeout and budget as an MQTT device's.</summary>
    public static TransportOptions Https(LoadContext ctx, int deviceIndex) => new()
    {
        Kind = TransportKind.Tls,
        Host = ctx.Address ?? ctx.Host,
        ServerName = ctx.Host,
        Port = ctx.Port,
        CaFile = ctx.CaFile,
        InsecureSkipVerify = ctx.Insecure,
        TlsResume = ctx.Profile.Transport.TlsResume,
        LocalAddress = ctx.SourceFor(deviceIndex),
        ConnectTimeout = TimeSpan.FromSeconds(ctx.Profile.Transport.ConnectTimeoutSeconds),
        FdBudget = ctx.Fds,
    };

    /// <param name="session">The device's own TLS session cache, kept across its reconnects; used when the profile sets tlsResume.</param>
    public static (TransportOptions Transport, MqttClientOptions Options) Build(LoadContext ctx, int deviceIndex, string clientId, CustomAuthCredentials? creds, TlsSessionSlot? session = null)
    {
        var profile = ctx.Profile;
        var kind = profile.Transport.Kind;
        var inQuery = profile.Transport.Credentials == CredentialsMode.Query;
        var inUsername = kind == DeviceTransportKind.MqttAlpn || profile.Transport.Credentials == CredentialsMode.Username;
        var wss = kind == DeviceTransportKind.WssCustomAuth && creds is not null && profile.Transport.Credentials != CredentialsMode.Username;
        var transport = new TransportOptions
        {
            Kind = kind switch
            {
                DeviceTransportKind.WssCustomAuth => TransportKind.SecureWebSocket,
                DeviceTransportKind.MqttAlpn => TransportKind.Tls,
                _ => TransportKind.Tcp,
            },
            Host = ctx.Address ?? ctx.Host,
            ServerName = ctx.Host,
            Port = ctx.Port,
            CaFile = ctx.CaFile,
            InsecureSkipVerify = ctx.Insecure,
            TlsResume = profile.Transport.TlsResume,
            Tls = profile.Transport.Tls,
            TlsSession = session,
            Alpn = kind == DeviceTransportKind.MqttAlpn ? ["mqtt"] : null,
            LocalAddress = ctx.SourceFor(deviceIndex),
            WebSocketSubprotocol = profile.Transport.Subprotocol,
            Headers = wss && !inQuery ? [.. creds!.ToHeaders()] : [],
            Query = wss && inQuery ? creds!.ToQuery() : null,
            ConnectTimeout = TimeSpan.FromSeconds(profile.Transport.ConnectTimeoutSeconds),
            FdBudget = ctx.Fds,
        };
        var options = new MqttClientOptions
        {
            ClientId = clientId,
            Username = inUsername && kind is DeviceTransportKind.MqttAlpn or DeviceTransportKind.WssCustomAuth && creds is not null ? creds!.ToUsername(clientId) : null,
            KeepAliveSeconds = (ushort)profile.Device.KeepAliveSeconds,
            ConnectTimeout = TimeSpan.FromSeconds(profile.Transport.ConnectTimeoutSeconds),
            AckTimeout = TimeSpan.FromSeconds(profile.Device.AckTimeoutSeconds),
        };
        return (transport, options);
    }
}
