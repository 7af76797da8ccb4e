namespace Simulator.Core.Transport.OpenSsl;

/// <summary>One SSL connection object; its BIO goes with it.</summary>
internal sealed class SafeSslHandle : OpenSslHandle
{
    protected override bool ReleaseHandle()
    {
        LibSsl.SSL_free(handle);
        return true;
    }
}
