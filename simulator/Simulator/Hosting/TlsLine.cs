using Simulator.Core.Load.Profiles;
using Simulator.Core.Transport;

namespace Simulator.Hosting;

/// <summary>How a profile's devices do TLS, as the run's first line says it, and the one line that says why OpenSSL is not used when it falls back.</summary>
internal static class TlsLine
{
    public static string Describe(RunProfile profile)
    {
        var resume = profile.Transport.TlsResume;
        switch (profile.Transport.Kind)
        {
            case DeviceTransportKind.MqttTcp:
                return "no TLS";
            case DeviceTransportKind.HttpsPublish:
                return resume ? "TLS by SslStream (HTTPS), sessions resumed from its process-wide cache" : "TLS by SslStream (HTTPS), full handshakes";
        }

        var provider = TlsProviders.Resolve(profile.Transport.Tls);
        var name = TlsProviders.Describe(provider);
        return !resume ? $"TLS by {name}, full handshakes"
            : provider == TlsProvider.OpenSsl ? $"TLS by {name}, each device resumes its own session (transport.tlsResume)"
            : $"TLS by {name}, sessions resumed from its process-wide cache (transport.tlsResume): a device may resume another's";
    }

    /// <summary>The fallback notice, or null when the profile got what it asked for.</summary>
    public static string? Fallback(RunProfile profile) =>
        profile.Transport.Kind is DeviceTransportKind.WssCustomAuth or DeviceTransportKind.MqttAlpn && profile.Transport.Tls == TlsProvider.Auto && TlsProviders.OpenSslUnavailableReason is { } why
            ? $"TLS: OpenSSL is not used ({why}); SslStream instead"
            : null;
}
