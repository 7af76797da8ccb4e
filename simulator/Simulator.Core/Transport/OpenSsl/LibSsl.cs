using System.Runtime.InteropServices;

namespace Simulator.Core.Transport.OpenSsl;

/// <summary>
/// The libssl 3 and libcrypto 3 calls the OpenSSL transport needs. Macros (SSL_CTX_set_mode,
/// SSL_set_tlsext_host_name, …) go through their ctrl calls with the numbers from ssl.h; the
/// retry flags are those of bio.h. Handles that own memory are <see cref="SafeHandle"/>s, so a
/// call in flight holds a reference and a racing dispose cannot free under it.
/// </summary>
internal static unsafe partial class LibSsl
{
    public const string Ssl = "libssl.so.3";
    public const string Crypto = "libcrypto.so.3";

    public const int SslVerifyNone = 0;
    public const int SslVerifyPeer = 1;

    public const int SslErrorNone = 0;
    public const int SslErrorWantRead = 2;
    public const int SslErrorZeroReturn = 6;

    public const int SslSentShutdown = 1;
    public const int SslReceivedShutdown = 2;

    public const int SslCtrlMode = 33;
    public const int SslCtrlSetSessCacheMode = 44;
    public const int SslCtrlSetTlsextHostname = 55;
    public const int SslCtrlSetMinProtoVersion = 123;
    public const long TlsextNameTypeHostName = 0;
    public const long SslModeAcceptMovingWriteBuffer = 0x2;
    public const long SslModeReleaseBuffers = 0x10;
    public const long SslSessCacheOff = 0;
    public const long SslSessCacheClient = 0x1;
    public const long SslSessCacheNoInternalStore = 0x300;
    public const long Tls12Version = 0x303;
    public const ulong SslOpNoTicket = 0x4000;
    public const ulong SslOpNoRenegotiation = 0x40000000;

    public const int BioTypeSourceSink = 0x0400;
    public const int BioFlagsRead = 0x01;
    public const int BioFlagsRws = 0x07;
    public const int BioFlagsShouldRetry = 0x08;
    public const int BioCtrlFlush = 11;

    [LibraryImport(Crypto)]
    public static partial ulong OpenSSL_version_num();

    [LibraryImport(Ssl)]
    public static partial nint TLS_client_method();

    [LibraryImport(Ssl)]
    public static partial SafeSslContextHandle SSL_CTX_new(nint method);

    [LibraryImport(Ssl)]
    public static partial void SSL_CTX_free(nint ctx);

    [LibraryImport(Ssl, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SSL_CTX_load_verify_locations(SafeSslContextHandle ctx, string caFile, string? caPath);

    [LibraryImport(Ssl)]
    public static partial int SSL_CTX_set_default_verify_paths(SafeSslContextHandle ctx);

    [LibraryImport(Ssl)]
    public static partial void SSL_CTX_set_verify(SafeSslContextHandle ctx, int mode, nint callback);

    [LibraryImport(Ssl)]
    public static partial long SSL_CTX_ctrl(SafeSslContextHandle ctx, int cmd, long larg, nint parg);

    [LibraryImport(Ssl)]
    public static partial ulong SSL_CTX_set_options(SafeSslContextHandle ctx, ulong options);

    [LibraryImport(Ssl)]
    public static partial void SSL_CTX_sess_set_new_cb(SafeSslContextHandle ctx, delegate* unmanaged<nint, nint, int> callback);

    [LibraryImport(Ssl)]
    public static partial SafeSslHandle SSL_new(SafeSslContextHandle ctx);

    [LibraryImport(Ssl)]
    public static partial void SSL_free(nint ssl);

    [LibraryImport(Ssl)]
    public static partial void SSL_set_bio(SafeSslHandle ssl, nint rbio, nint wbio);

    [LibraryImport(Ssl)]
    public static partial void SSL_set_connect_state(SafeSslHandle ssl);

    [LibraryImport(Ssl)]
    public static partial long SSL_ctrl(SafeSslHandle ssl, int cmd, long larg, byte* parg);

    [LibraryImport(Ssl)]
    public static partial int SSL_set1_host(SafeSslHandle ssl, byte* hostname);

    [LibraryImport(Ssl)]
    public static partial nint SSL_get0_param(SafeSslHandle ssl);

    [LibraryImport(Crypto)]
    public static partial int X509_VERIFY_PARAM_set1_ip_asc(nint param, byte* ip);

    [LibraryImport(Ssl)]
    public static partial int SSL_set_alpn_protos(SafeSslHandle ssl, byte* protos, uint length);

    [LibraryImport(Ssl)]
    public static partial void SSL_get0_alpn_selected(SafeSslHandle ssl, byte** data, uint* length);

    [LibraryImport(Ssl)]
    public static partial int SSL_set_session(SafeSslHandle ssl, SafeSslSessionHandle session);

    [LibraryImport(Ssl)]
    public static partial void SSL_SESSION_free(nint session);

    [LibraryImport(Ssl)]
    public static partial void SSL_set_shutdown(SafeSslHandle ssl, int mode);

    [LibraryImport(Ssl)]
    public static partial int SSL_do_handshake(SafeSslHandle ssl);

    [LibraryImport(Ssl)]
    public static partial int SSL_read_ex(SafeSslHandle ssl, byte* buffer, nuint length, nuint* read);

    [LibraryImport(Ssl)]
    public static partial int SSL_write_ex(SafeSslHandle ssl, byte* buffer, nuint length, nuint* written);

    [LibraryImport(Ssl)]
    public static partial int SSL_has_pending(SafeSslHandle ssl);

    [LibraryImport(Ssl)]
    public static partial int SSL_get_error(SafeSslHandle ssl, int result);

    [LibraryImport(Ssl)]
    public static partial long SSL_get_verify_result(SafeSslHandle ssl);

    [LibraryImport(Crypto)]
    public static partial nint X509_verify_cert_error_string(long code);

    [LibraryImport(Crypto)]
    public static partial int BIO_get_new_index();

    [LibraryImport(Crypto, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint BIO_meth_new(int type, string name);

    [LibraryImport(Crypto)]
    public static partial int BIO_meth_set_write(nint method, delegate* unmanaged<nint, byte*, int, int> write);

    [LibraryImport(Crypto)]
    public static partial int BIO_meth_set_read(nint method, delegate* unmanaged<nint, byte*, int, int> read);

    [LibraryImport(Crypto)]
    public static partial int BIO_meth_set_ctrl(nint method, delegate* unmanaged<nint, int, long, nint, long> ctrl);

    [LibraryImport(Crypto)]
    public static partial nint BIO_new(nint method);

    [LibraryImport(Crypto)]
    public static partial void BIO_set_init(nint bio, int init);

    [LibraryImport(Crypto)]
    public static partial void BIO_set_flags(nint bio, int flags);

    [LibraryImport(Crypto)]
    public static partial void BIO_clear_flags(nint bio, int flags);

    [LibraryImport(Crypto)]
    public static partial ulong ERR_get_error();

    [LibraryImport(Crypto)]
    public static partial void ERR_clear_error();

    [LibraryImport(Crypto)]
    public static partial void ERR_error_string_n(ulong error, byte* buffer, nuint length);

    /// <summary>The oldest queued error as text, and the queue cleared. The queue is per thread, so read it right after the failing call.</summary>
    public static string TakeError()
    {
        var code = ERR_get_error();
        ERR_clear_error();
        if (code == 0)
        {
            return "no OpenSSL error queued";
        }

        var buffer = stackalloc byte[256];
        ERR_error_string_n(code, buffer, 256);
        return Marshal.PtrToStringUTF8((nint)buffer) ?? "unknown OpenSSL error";
    }

    public static string VerifyErrorText(long code) => Marshal.PtrToStringUTF8(X509_verify_cert_error_string(code)) ?? $"verify error {code}";
}
