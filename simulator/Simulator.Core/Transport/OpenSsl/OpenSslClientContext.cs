using System.Collections.Concurrent;
using Simulator.Core.Transport.Tls;

namespace Simulator.Core.Transport.OpenSsl;

/// <summary>
/// One SSL_CTX per trust configuration (CA file or system store, validation on or off, sessions
/// kept or not), shared by every connection that uses it: libssl locks a context's own state, and
/// loading a trust store once instead of per connect is a large part of what makes a connect cheap.
/// Contexts live for the process.
/// </summary>
internal sealed unsafe class OpenSslClientContext
{
    private static readonly ConcurrentDictionary<(string? CaFile, bool Insecure, bool Resume), Lazy<OpenSslClientContext>> Cache = new();

    private OpenSslClientContext(string? caFile, bool insecure, bool resume)
    {
        WithCaFile = caFile is not null;
        Resume = resume;
        Handle = LibSsl.SSL_CTX_new(LibSsl.TLS_client_method());
        if (Handle.IsInvalid)
        {
            throw new InvalidOperationException("SSL_CTX_new failed: " + LibSsl.TakeError());
        }

        if (caFile is not null)
        {
            // The same checks and messages as the SslStream provider's, then OpenSSL's own load: that file is the only anchor.
            CertificateValidation.LoadCa(caFile);
            if (LibSsl.SSL_CTX_load_verify_locations(Handle, caFile, null) != 1)
            {
                throw new Errors.InputException("OpenSSL cannot load the CA file: " + LibSsl.TakeError(), caFile, field: "caFile");
            }
        }
        else if (LibSsl.SSL_CTX_set_default_verify_paths(Handle) != 1)
        {
            throw new InvalidOperationException("OpenSSL cannot open the system trust store: " + LibSsl.TakeError());
        }

        LibSsl.SSL_CTX_set_verify(Handle, insecure ? LibSsl.SslVerifyNone : LibSsl.SslVerifyPeer, 0);
        LibSsl.SSL_CTX_ctrl(Handle, LibSsl.SslCtrlMode, LibSsl.SslModeReleaseBuffers | LibSsl.SslModeAcceptMovingWriteBuffer, 0);
        LibSsl.SSL_CTX_ctrl(Handle, LibSsl.SslCtrlSetMinProtoVersion, LibSsl.Tls12Version, 0);
        LibSsl.SSL_CTX_set_options(Handle, LibSsl.SslOpNoRenegotiation | (resume ? 0 : LibSsl.SslOpNoTicket));
        if (resume)
        {
            // Sessions go to the device that got them (TlsSessionSlot), never into a shared cache.
            LibSsl.SSL_CTX_ctrl(Handle, LibSsl.SslCtrlSetSessCacheMode, LibSsl.SslSessCacheClient | LibSsl.SslSessCacheNoInternalStore, 0);
            LibSsl.SSL_CTX_sess_set_new_cb(Handle, &OpenSslStream.OnNewSession);
        }
        else
        {
            LibSsl.SSL_CTX_ctrl(Handle, LibSsl.SslCtrlSetSessCacheMode, LibSsl.SslSessCacheOff, 0);
        }
    }

    public SafeSslContextHandle Handle { get; }

    public bool WithCaFile { get; }

    public bool Resume { get; }

    /// <summary>The shared context for this configuration; bad input (an unreadable CA file) is an <see cref="Errors.InputException"/>, every time.</summary>
    public static OpenSslClientContext For(string? caFile, bool insecure, bool resume)
    {
        var key = (caFile, insecure, resume);
        var lazy = Cache.GetOrAdd(key, static k => new Lazy<OpenSslClientContext>(() => new OpenSslClientContext(k.CaFile, k.Insecure, k.Resume)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // A failed load is not cached: the file may be fixed, and each caller gets the error.
            Cache.TryRemove(KeyValuePair.Create(key, lazy));
            throw;
        }
    }
}
