namespace Simulator.Core.Transport.OpenSsl;

/// <summary>One device's cached TLS session, a reference libssl handed over.</summary>
internal sealed class SafeSslSessionHandle : OpenSslHandle
{
    protected override bool ReleaseHandle()
    {
        LibSsl.SSL_SESSION_free(handle);
        return true;
    }
}
