namespace Simulator.Gateway.Config;

/// <summary>One custom authorizer, configured as AWS's CreateAuthorizer configures it (A.2).</summary>
public sealed record AuthorizerOptions
{
    /// <summary>1 to 128 of [\w=,@-].</summary>
    public required string Name { get; set; }

    /// <summary>"1nce" (the built-in 1NCE issuer-token check), "device-jwt" (ES256 device tokens) or "http" (POST the event to <see cref="CalloutUrl"/>).</summary>
    public required string Type { get; set; }

    public string TokenKeyName { get; set; } = "token";

    /// <summary>AWS's default is false. The built-in 1NCE authorizer defaults to true: the seed's SDK snippet sends no signature and works.</summary>
    public bool SigningDisabled { get; set; }

    /// <summary>Name → RSA public key PEM. Empty with signing enabled means the gateway's own token-signing key.</summary>
    public Dictionary<string, string> TokenSigningPublicKeys { get; set; } = [];

    /// <summary>ACTIVE or INACTIVE.</summary>
    public string Status { get; set; } = "ACTIVE";

    public string? CalloutUrl { get; set; }

    /// <summary>
    /// AWS's enableCachingForHttp (default false): an HTTPS publish's allowed answer is kept for
    /// its refreshAfterInSeconds on that kept-alive connection, so the next requests with the same
    /// token do not invoke the authorizer. No effect on MQTT, whose answers are kept anyway.
    /// </summary>
    public bool EnableCachingForHttp { get; set; }

    /// <summary>For device-jwt: the policy template; {deviceId} is filled in by the authorizer, ${iot:…} by the policy engine.</summary>
    public string? PolicyTemplate { get; set; }

    /// <summary>For device-jwt: refuse a token without exp, which would never expire.</summary>
    public bool RequireExpiry { get; set; } = true;

    /// <summary>For device-jwt: the longest a token may live from its iat; AT%JWT's own limit is a week.</summary>
    public long MaxTokenLifetimeSeconds { get; set; } = Core.Tokens.DeviceTokenOptions.MaxLifetimeSeconds;

    /// <summary>For device-jwt: how far a device's clock may be off. A modem's clock comes from the network and can lag or lead by seconds.</summary>
    public int ClockSkewSeconds { get; set; } = 60;

    public int DisconnectAfterInSeconds { get; set; } = 86_400;

    public int RefreshAfterInSeconds { get; set; } = 300;

    /// <summary>The capacity of the function behind the authorizer; absent: unlimited, no added duration, AWS's 5 s timeout.</summary>
    public LambdaOptions? Lambda { get; set; }
}
