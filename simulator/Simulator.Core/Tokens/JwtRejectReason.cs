namespace Simulator.Core.Tokens;

/// <summary>Why a device token was refused. Each case is distinct so that denials can be counted by cause.</summary>
public enum JwtRejectReason
{
    None = 0,

    /// <summary>Longer than AWS's 6144-character token limit (TestInvokeAuthorizer).</summary>
    TooLong,

    /// <summary>Not three dot-separated parts.</summary>
    Malformed,

    /// <summary>A part is not base64url.</summary>
    BadBase64,

    /// <summary>The header or claims are not a JSON object of the expected shape.</summary>
    BadJson,

    /// <summary><c>alg: none</c>: an unsigned token.</summary>
    AlgorithmNone,

    /// <summary>An HMAC alg: the public-key-as-secret confusion attack (RFC 8725 §2.1).</summary>
    HmacKeyConfusion,

    /// <summary>Any alg other than ES256.</summary>
    AlgorithmNotAllowed,

    /// <summary>Neither sub nor iss names a device.</summary>
    MissingSubject,

    /// <summary>No public key is registered for the device.</summary>
    UnknownDevice,

    /// <summary>The signature does not verify with the device's key.</summary>
    BadSignature,

    Expired,

    NotYetValid,

    /// <summary>No exp claim where the verifier requires one: the token would never expire.</summary>
    MissingExpiry,

    /// <summary>exp lies further past iat (or now) than the verifier allows.</summary>
    LifetimeTooLong,
}
