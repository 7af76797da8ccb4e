using System.Runtime.Versioning;
using System.Security.Cryptography;

namespace Simulator.Core.Tokens;

/// <summary>
/// ES256 through one reused EVP_PKEY_CTX: SHA-256 in .NET, EVP_PKEY_sign on the digest, then DER
/// (SEC 1 §C.5 ECDSA-Sig-Value) converted to P1363 in place. Allocates nothing per signature.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed unsafe class OpenSslEs256Signer : Es256Signer
{
    private readonly ECDsaOpenSsl _key;
    private readonly SafeEvpPKeyHandle _pkey;
    private nint _ctx;

    public OpenSslEs256Signer(ECParameters privateKey)
    {
        _key = new ECDsaOpenSsl();
        _key.ImportParameters(privateKey);
        _pkey = _key.DuplicateKeyHandle();
        _ctx = OpenSslNative.EVP_PKEY_CTX_new(_pkey.DangerousGetHandle(), 0);
        if (_ctx == 0 || OpenSslNative.EVP_PKEY_sign_init(_ctx) != 1)
        {
            Dispose();
            throw new CryptographicException("libcrypto could not set up an ECDSA signing context");
        }
    }

    public override void Sign(ReadOnlySpan<byte> data, Span<byte> signature)
    {
        ObjectDisposedException.ThrowIf(_ctx == 0, this);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(data, digest);
        Span<byte> der = stackalloc byte[80]; // 72 at most for P-256
        nuint derLength = (nuint)der.Length;
        fixed (byte* pDer = der)
        fixed (byte* pDigest = digest)
        {
            if (OpenSslNative.EVP_PKEY_sign(_ctx, pDer, &derLength, pDigest, 32) != 1)
            {
                throw new CryptographicException("libcrypto ECDSA signing failed");
            }
        }

        if (!EcdsaSignatureFormat.TryDerToP1363(der[..(int)derLength], signature))
        {
            throw new CryptographicException("libcrypto returned a malformed ECDSA signature");
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (_ctx != 0)
        {
            OpenSslNative.EVP_PKEY_CTX_free(_ctx);
            _ctx = 0;
        }

        if (disposing)
        {
            _pkey?.Dispose();
            _key?.Dispose();
        }
    }

    ~OpenSslEs256Signer() => Dispose(false);
}
