
namespace Simulator.Core.Transport.OpenSsl;

/// <summary>
/// One virtual device's TLS session cache, as a modem keeps its own: the OpenSSL transport resumes
/// only the session this slot holds and stores the newest one the server issues into it. The
/// SslStream transport cannot use it (.NET keeps one cache per process and server name).
/// Used by one device's connects, one at a time; the exchange is atomic anyway.
/// </summary>
internal sealed class TlsSessionSlot : IDisposable
{
    private SafeSslSessionHandle? _session;

    /// <summary>Whether a session is held, to resume on the next connect.</summary>
    public bool HasSession => Volatile.Read(ref _session) is not null;

    public void Dispose() => Interlocked.Exchange(ref _session, null)?.Dispose();

    internal SafeSslSessionHandle? Current => Volatile.Read(ref _session);

    internal void Store(SafeSslSessionHandle session) => Interlocked.Exchange(ref _session, session)?.Dispose();
}
