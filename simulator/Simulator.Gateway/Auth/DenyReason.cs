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
    InvalidResponse,
    PolicyDenied,
    Throttled,
}
