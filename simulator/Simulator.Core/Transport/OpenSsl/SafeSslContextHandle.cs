namespace Simulator.Core.Transport.OpenSsl;

/// <summary>One SSL_CTX: a trust configuration shared by every connection that uses it.</summary>
internal sealed class SafeSslContextHandle : OpenSslHandle
{
    protected override bool ReleaseHandle()
    {
        LibSsl.SSL_CTX_free(handle);
        return true;
    }
}
