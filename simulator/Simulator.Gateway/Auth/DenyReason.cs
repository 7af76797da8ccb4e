namespace Simulator.Gateway.Auth;

/// <summary>Why the custom-auth pipeline refused a request; counted per reason.</summary>
public enum DenyReason
{
    None = 0,
    NoAuthorizer,
    AuthorizerInactive,
    MissingToken,
    TokenTooLong,
    MissingSignature,
    BadSignature,
    AuthorizerDenied,
    AuthorizerFailed,

    /// <summary>The authorizer's Lambda had no concurrency left.</summary>
    AuthorizerThrottled,

    /// <summary>The authorizer's Lambda ran past its timeout (5 s on AWS).</summary>
    AuthorizerTimeout,
    InvalidResponse,
    PolicyDenied,
    Throttled,

    /// <summary>A client id over AWS's 128 bytes, refused before any authorizer runs.</summary>
    ClientIdTooLong,
}
