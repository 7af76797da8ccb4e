using System.Security.Cryptography;

namespace Simulator.Core.Tokens;

/// <summary>
/// Portable signer on <see cref="ECDsa.TrySignData(ReadOnlySpan{byte}, Span{byte}, HashAlgorithmName, out int)"/>:
/// that overload (no format argument) already writes P1363 and allocates nothing.
/// </summary>
internal sealed class ManagedEs256Signer : Es256Signer
{
    private readonly ECDsa _key;

    public ManagedEs256Signer(ECParameters privateKey)
    {
        _key = ECDsa.Create(privateKey);
    }

    public override void Sign(ReadOnlySpan<byte> data, Span<byte> signature)
    {
        if (!_key.TrySignData(data, signature, HashAlgorithmName.SHA256, out var written) || written != SignatureLength)
        {
            throw new CryptographicException("ES256 signing failed");
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _key.Dispose();
        }
    }
}
