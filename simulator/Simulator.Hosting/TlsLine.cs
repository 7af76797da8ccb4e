using Simulator.Core.Load;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Transport;

namespace Simulator.Hosting;

/// <summary>How a profile's devices do TLS, as the run's first line says it, and the one line that says why OpenSSL is not used when it falls back.</summary>
internal static class TlsLine
{
    public static string Describe(RunOptions profile)
    {
        var transport = profile.Transport;
        if (transport.Kind == DeviceTransportKind.MqttTcp)
        {
            return "no TLS";
        }

        var name = DeviceTransport.TlsName(transport);
        var ownSessions = transport.Kind != DeviceTransportKind.HttpsPublish && TlsProviders.Resolve(transport.Tls) == TlsProvider.OpenSsl;
        return !transport.TlsResume ? $"TLS by {name}, full handshakes"
            : ownSessions ? $"TLS by {name}, each device resumes its own session (transport.tlsResume)"
            : $"TLS by {name}, sessions resumed from its process-wide cache (transport.tlsResume): a device may resume another's";
    }

    /// <summary>The fallback notice, or null when the profile got what it asked for.</summary>
    public static string? Fallback(RunOptions profile) =>
        profile.Transport.Kind is DeviceTransportKind.WssCustomAuth or DeviceTransportKind.MqttAlpn && profile.Transport.Tls == TlsProvider.Auto && TlsProviders.OpenSslUnavailableReason is { } why
            ? $"TLS: OpenSSL is not used ({why}); SslStream instead"
            : null;
}
