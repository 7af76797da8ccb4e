using System.Security.Cryptography;

namespace Simulator.Core.Tokens;

/// <summary>
/// Signs with one P-256 private key and writes the 64-byte IEEE P1363 r||s that JWS ES256 needs
/// (RFC 7518 §3.4). Not thread-safe: one signer per device or per worker, never shared.
/// </summary>
internal abstract class Es256Signer : IDisposable
{
    public const int SignatureLength = 64;

    /// <summary>The fastest signer this platform offers: direct libcrypto where present, else <see cref="ECDsa"/>.</summary>
    public static Es256Signer Create(ECParameters privateKey)
    {
        if (OperatingSystem.IsLinux() && OpenSslNative.IsAvailable)
        {
            return new OpenSslEs256Signer(privateKey);
        }

        return new ManagedEs256Signer(privateKey);
    }

    /// <summary>Hashes <paramref name="data"/> with SHA-256 and signs it. Allocates nothing.</summary>
    public abstract void Sign(ReadOnlySpan<byte> data, Span<byte> signature);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);
}
