namespace Simulator.Gateway.Config;

/// <summary>The local stand-in for AWS IoT Core custom auth, 1NCE onboarding and nRF Cloud REST.</summary>
public sealed record GatewayOptions
{
    /// <summary>Loopback unless told otherwise.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>0 picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>The data endpoint name: TLS SNI must equal it, as on AWS. "localhost" lets the seeds' commands work unchanged.</summary>
    public string EndpointName { get; set; } = "localhost";

    /// <summary>Where the CA, server certificate and signing keys persist between starts: this user's alone (<see cref="Config.DataDirectory"/>).</summary>
    public string DataDirectory { get; set; } = Config.DataDirectory.Default;

    public string Region { get; set; } = "eu-central-1";

    public string AccountId { get; set; } = "123456789012";

    public List<AuthorizerOptions> Authorizers { get; set; } =
    [
        new() { Name = "1nce-authorizer", Type = "1nce", SigningDisabled = true, RefreshAfterInSeconds = 86_400 },
        new() { Name = "device-jwt", Type = "device-jwt", SigningDisabled = true }, // the token is itself an ES256 signature
    ];

    /// <summary>The authorizer a connect that names none goes to, when the config does not say; dropped when no authorizer has this name.</summary>
    public const string BuiltInDefaultAuthorizer = "1nce-authorizer";

    public string? DefaultAuthorizer { get; set; } = BuiltInDefaultAuthorizer;

    /// <summary>A fleet directory whose SIMs onboarding knows and whose keys device-jwt accepts; null: any ICCID with a valid check digit.</summary>
    public string? FleetDirectory { get; set; }

    /// <summary>The request header that stands for "the SIM this request comes from" (1NCE knows it from the SIM's IP).</summary>
    public string SimIccidHeader { get; set; } = "X-Sim-Iccid";

    public int OnboardingTokenLifetimeSeconds { get; set; } = 86_400;

    /// <summary>New onboarding tokens minted per second at most (each is an RSA-2048 signature, about 1 ms of a core); a SIM's cached token is not counted. 0 = unlimited.</summary>
    public int OnboardingTokensPerSecond { get; set; } = 1000;

    /// <summary>Bearer key for nRF Cloud provisioning endpoints.</summary>
    public string NrfCloudApiKey { get; set; } = "local-api-key";

    /// <summary>Lower bound of disconnectAfterInSeconds/refreshAfterInSeconds; AWS's is 300, tests shorten it.</summary>
    public int MinimumAuthTtlSeconds { get; set; } = 300;

    /// <summary>
    /// [U] How long a TLS handshake may take before the gateway drops the connection. AWS does not
    /// say. Kestrel's 10 s default cut NB-IoT handshakes in a wake storm: under TLS 1.3 the device
    /// has already sent its CONNECT when the server gives up, so it sees a close after CONNECT,
    /// which reads like an authorizer's denial. 30 s lets a slow cellular link finish.
    /// </summary>
    public int TlsHandshakeTimeoutSeconds { get; set; } = 30;

    public QuotaOptions Quotas { get; set; } = new();

    /// <summary>The account's Lambda concurrency, shared by the authorizer functions that reserve none.</summary>
    public LambdaAccountOptions LambdaAccount { get; set; } = new();

    public Mqtt5Options Mqtt5 { get; set; } = new();

    public FaultOptions Faults { get; set; } = new();
}
