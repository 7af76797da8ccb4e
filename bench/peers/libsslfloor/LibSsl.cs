using System.Runtime.InteropServices;

namespace LibSslFloor;

/// <summary>The libssl 3 calls the prototype needs; macros (SSL_CTX_set_mode and friends) go through their ctrl calls.</summary>
internal static partial class LibSsl
{
    public const int SslVerifyPeer = 1;
    public const int SslCtrlMode = 33;
    public const int SslCtrlSetSessCacheMode = 44;
    public const int SslCtrlSetTlsextHostname = 55;
    public const int SslCtrlSetMinProtoVersion = 123;
    public const long SslModeReleaseBuffers = 0x10;
    public const long SslSessCacheOff = 0;
    public const long Tls12Version = 0x303;
    public const ulong SslOpNoTicket = 0x4000;
    private const string Library = "libssl.so.3";
    private const string Crypto = "libcrypto.so.3";

    [LibraryImport(Library)]
    public static partial nint TLS_client_method();

    [LibraryImport(Library)]
    public static partial nint SSL_CTX_new(nint method);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SSL_CTX_load_verify_locations(nint ctx, string caFile, string? caPath);

    [LibraryImport(Library)]
    public static partial void SSL_CTX_set_verify(nint ctx, int mode, nint callback);

    [LibraryImport(Library)]
    public static partial long SSL_CTX_ctrl(nint ctx, int cmd, long larg, nint parg);

    [LibraryImport(Library)]
    public static partial ulong SSL_CTX_set_options(nint ctx, ulong options);

    [LibraryImport(Library)]
    public static partial nint SSL_new(nint ctx);

    [LibraryImport(Library)]
    public static partial int SSL_set_fd(nint ssl, int fd);

    [LibraryImport(Library)]
    public static partial long SSL_ctrl(nint ssl, int cmd, long larg, nint parg);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SSL_set1_host(nint ssl, string hostname);

    [LibraryImport(Library)]
    public static partial int SSL_connect(nint ssl);

    [LibraryImport(Library)]
    public static partial long SSL_get_verify_result(nint ssl);

    [LibraryImport(Library)]
    public static partial void SSL_free(nint ssl);

    [LibraryImport(Crypto)]
    public static partial ulong ERR_get_error();

    [LibraryImport(Crypto)]
    public static partial void ERR_error_string_n(ulong error, nint buffer, nuint length);

    /// <summary>The oldest queued OpenSSL error as text (the queue is per thread).</summary>
    public static string LastError()
    {
        var code = ERR_get_error();
        if (code == 0)
        {
            return "no OpenSSL error queued";
        }

        var buffer = Marshal.AllocHGlobal(256);
        try
        {
            ERR_error_string_n(code, buffer, 256);
            return Marshal.PtrToStringUTF8(buffer) ?? "?";
        }
        finally
        {
            Marshal.FreeHGlobal(buffer);
        }
    }
}
