using System.Runtime.InteropServices;

namespace Simulator.Core.Transport.OpenSsl;

/// <summary>Whether libssl 3 loads in this process, and which version it is.</summary>
internal static class OpenSslTls
{
    private static readonly Lazy<string?> LoadError = new(TryLoad);
    private static ulong s_version;

    public static bool IsAvailable => LoadError.Value is null;

    /// <summary>Why libssl 3 is not used here, or null when it is.</summary>
    public static string? UnavailableReason => LoadError.Value;

    /// <summary>"OpenSSL 3.0.19", from the loaded library's own version number.</summary>
    public static string Version => IsAvailable
        ? $"OpenSSL {s_version >> 28}.{(s_version >> 20) & 0xff}.{(s_version >> 4) & 0xffff}"
        : "OpenSSL (not loaded)";

    private static string? TryLoad()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "the OpenSSL transport is built for Linux";
        }

        if (!NativeLibrary.TryLoad(LibSsl.Ssl, out _) || !NativeLibrary.TryLoad(LibSsl.Crypto, out _))
        {
            return $"{LibSsl.Ssl} does not load";
        }

        try
        {
            s_version = LibSsl.OpenSSL_version_num();
        }
        catch (EntryPointNotFoundException)
        {
            return $"{LibSsl.Crypto} has no OpenSSL_version_num";
        }

        return s_version >> 28 >= 3 ? null : $"libcrypto is version {s_version >> 28}, not 3";
    }
}
