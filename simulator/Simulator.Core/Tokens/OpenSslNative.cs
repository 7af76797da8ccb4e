using System.Reflection;
using System.Runtime.InteropServices;

namespace Simulator.Core.Tokens;

/// <summary>
/// The four libcrypto calls that make ES256 signing run at OpenSSL's own speed: .NET's
/// <c>ECDsa.TrySignData</c> builds a fresh EVP_PKEY_CTX per signature, which costs about 20%
/// here; we build one per signer and reuse it, as <c>openssl speed</c> does.
/// </summary>
internal static unsafe partial class OpenSslNative
{
    private const string Library = "libcrypto";
    private static readonly Lazy<bool> Loaded = new(TryLoad);
    private static nint s_handle;

    public static bool IsAvailable => OperatingSystem.IsLinux() && Loaded.Value;

    [LibraryImport(Library)]
    public static partial nint EVP_PKEY_CTX_new(nint pkey, nint engine);

    [LibraryImport(Library)]
    public static partial void EVP_PKEY_CTX_free(nint ctx);

    [LibraryImport(Library)]
    public static partial int EVP_PKEY_sign_init(nint ctx);

    [LibraryImport(Library)]
    public static partial int EVP_PKEY_sign(nint ctx, byte* sig, nuint* siglen, byte* tbs, nuint tbslen);

    private static bool TryLoad()
    {
        foreach (var name in (ReadOnlySpan<string>)["libcrypto.so.3", "libcrypto.so.1.1"])
        {
            if (NativeLibrary.TryLoad(name, out var handle))
            {
                s_handle = handle;
                NativeLibrary.SetDllImportResolver(typeof(OpenSslNative).Assembly, Resolve);
                return true;
            }
        }

        return false;
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path) => name == Library ? s_handle : 0;
}
