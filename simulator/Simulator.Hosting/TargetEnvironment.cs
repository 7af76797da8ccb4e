using System.Net;
using System.Security.Cryptography;
using Simulator.Core.Identity;
using Simulator.Core.Load;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;
using Simulator.Core.Onboarding;
using Simulator.Core.Onboarding.Client;
using Simulator.Core.Tokens;
using Simulator.Core.Transport;
using Simulator.Gateway;
using Simulator.Gateway.Config;

namespace Simulator.Hosting;

/// <summary>
/// What a profile points at, made ready: the fleet (or shard), the embedded gateway when the
/// target is embedded, the token source, and the run's services (<see cref="RunServices"/>). Shared by run and probe.
/// </summary>
internal sealed class TargetEnvironment : IAsyncDisposable
{
    private readonly List<IDisposable> _owned = [];
    private string? _dataDirectory;

    private TargetEnvironment(Fleet fleet, List<DeviceIdentity> devices)
    {
        Fleet = fleet;
        Devices = devices;
    }

    public Fleet Fleet { get; }

    public IReadOnlyList<DeviceIdentity> Devices { get; }

    public LocalGateway? Gateway { get; private set; }

    public RunServices Services { get; private set; } = null!;

    /// <summary>How the run's backend (consumers, command sender) connects; null without either.</summary>
    public BackendConsumerAccess? Consumers { get; private set; }

    /// <summary>The embedded gateway's options as the profile sets them; parsed before anything starts, so a bad gateway section is refused up front.</summary>
    public static GatewayOptions EmbeddedGatewayOptions(RunOptions profile, string profilePath) =>
        profile.Gateway is { } g ? GatewayConfig.FromJson(g, profilePath) : new GatewayOptions();

    /// <summary>The authorizer a profile's devices reach on the embedded gateway, for its session lifetime.</summary>
    public static TimeSpan? EmbeddedSessionLifetime(RunOptions profile, GatewayOptions options)
    {
        var name = profile.Token.Authorizer ?? (profile.Token.Source == TokenSourceKind.DeviceJwt ? "device-jwt" : options.DefaultAuthorizer);
        var authorizer = options.Authorizers.FirstOrDefault(a => a.Name == name);
        return authorizer is null || authorizer.Type == "http" ? null : TimeSpan.FromSeconds(authorizer.DisconnectAfterInSeconds);
    }

    /// <summary>The run's fleet and target: its devices, the embedded gateway (with <paramref name="gateway"/>, the options preflight parsed; null parses the profile's section here) or the endpoint, and the services its devices use.</summary>
    public static async Task<TargetEnvironment> CreateAsync(RunOptions profile, string profilePath, RunMetrics metrics, TextWriter output, CancellationToken stop, GatewayOptions? gateway = null)
    {
        var fleet = profile.Fleet.Directory is { } dir
            ? FleetStore.Load(dir)
            : Fleet.Generate(new FleetSpec { Seed = profile.Fleet.RequiredSeed, Count = profile.Fleet.Count });
        var (shard, shards) = profile.Fleet.Assigned;
        var env = new TargetEnvironment(fleet, [.. Enumerable.Range(0, fleet.Count).Where(i => i % shards == shard).Select(i => fleet[i])]);
        try
        {
            await env.StartAsync(profile, profilePath, metrics, output, gateway, stop).ConfigureAwait(false);
            return env;
        }
        catch
        {
            await env.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartAsync(RunOptions profile, string profilePath, RunMetrics metrics, TextWriter output, GatewayOptions? gateway, CancellationToken stop)
    {
        string host, caFile;
        string? address;
        int port;
        Uri? onboardingUrl, nrfCloudUrl;
        TimeSpan? sessionLifetime = profile.Device.SessionLifetimeSeconds is { } s ? TimeSpan.FromSeconds(s) : null;
        if (profile.Target.Kind == TargetKind.Embedded)
        {
            var options = gateway ?? EmbeddedGatewayOptions(profile, profilePath);
            sessionLifetime ??= EmbeddedSessionLifetime(profile, options);
            // Each embedded gateway gets its own data folder unless the profile names one: parallel
            // shards on one machine raced on the shared default writing the CA and keys.
            if (options.DataDirectory == new GatewayOptions().DataDirectory)
            {
                _dataDirectory = Directory.CreateTempSubdirectory("nrf-fleet-gateway-").FullName;
                options = options with { DataDirectory = _dataDirectory };
            }

            if (profile.Consumers.Count > 0 || profile.Commands.RatePerSecond > 0)
            {
                options = BackendConsumerAccess.WithAuthorizer(options);
            }

            Gateway = await LocalGateway.StartAsync(options with { ListenAddress = "127.0.0.1", Port = 0 }, cancellationToken: stop).ConfigureAwait(false);
            if (profile.Token.Source == TokenSourceKind.DeviceJwt || profile.Device.Scenario == ScenarioKind.NrfCloudLocation)
            {
                // As if RegisterPublicKeys had run for the fleet (the nRF Cloud tests cover that step).
                foreach (var d in Devices)
                {
                    using var ec = ECDsa.Create();
                    ec.ImportFromPem(d.PublicKeyPem);
                    Gateway.Keys.Register(d.DeviceId, ec.ExportSubjectPublicKeyInfo());
                }
            }

            host = Gateway.EndpointName;
            address = "127.0.0.1";
            port = Gateway.Port;
            caFile = Gateway.CaFile;
            onboardingUrl = nrfCloudUrl = new Uri($"https://{host}:{port}");
            await output.WriteLineAsync($"embedded gateway on 127.0.0.1:{port} ({host}); CA {caFile}").ConfigureAwait(false);
            if (options.Authorizers.Where(a => a.Lambda is null).Select(a => a.Name).ToList() is { Count: > 0 } unmodelled)
            {
                // Without a Lambda model the authorizer never throttles, queues or times out: the run
                // measures this machine and the gateway, never an authorizer's limits. Say so first.
                await output.WriteLineAsync($"warning: {(unmodelled.Count == 1 ? "authorizer" : "authorizers")} {string.Join(", ", unmodelled.Select(n => $"'{n}'"))} {(unmodelled.Count == 1 ? "has" : "have")} no capacity model (gateway.authorizers[].lambda): unlimited concurrency, no cold starts, so no authorizer limit can show in this run").ConfigureAwait(false);
            }
        }
        else
        {
            if (profile.Fleet.Directory is null && profile.Fleet.Seed is { IsStrong: false } weak && profile.Token.Source == TokenSourceKind.DeviceJwt)
            {
                // A generated fleet keeps the profile's seed (shards on other machines must build the same
                // fleet from the profile alone), and a real authorizer that trusts its keys trusts anyone who finds it.
                await output.WriteLineAsync($"warning: the fleet is generated from a {weak.Bits}-bit seed and its devices sign their own tokens for a real target: anyone who searches for the seed can sign as them. Use a 256-bit seed (fleet.seed, 64 hex digits) for keys registered anywhere real").ConfigureAwait(false);
            }

            if (profile.Target.CaFile is { } ca && !File.Exists(ca))
            {
                throw new Core.Errors.InputException($"CA file not found: {ca}", profilePath, field: "$.target.caFile");
            }

            host = profile.Target.Host!;
            address = profile.Target.Address?.ToString();
            port = profile.Target.Port;
            caFile = profile.Target.CaFile!;
            onboardingUrl = profile.Target.OnboardingUrl is { } o ? new Uri(o) : null;
            nrfCloudUrl = profile.Target.NrfCloudUrl is { } n ? new Uri(n) : null;
        }

        // Every connection the run opens shares one descriptor budget; an HTTP service on the target's own host goes to its resolved address.
        var fds = new FdBudget(perSocket: Gateway is null ? 1 : 2);
        string? ConnectTo(Uri url) => address is not null && string.Equals(url.Host, host, StringComparison.OrdinalIgnoreCase) ? address : null;
        ITokenSource tokens;
        switch (profile.Token.Source)
        {
            case TokenSourceKind.DeviceJwt:
                tokens = new DeviceJwtTokenSource(Fleet, new DeviceTokenOptions { LifetimeSeconds = profile.Token.LifetimeSeconds, ClaimMode = profile.Token.Claim == TokenClaim.Iss ? DeviceClaimMode.Issuer : DeviceClaimMode.Subject }, profile.Token.Authorizer ?? "device-jwt", profile.Token.TokenKeyName, profile.Token.RefreshBeforeSeconds);
                break;
            case TokenSourceKind.LocalIssuer:
                var issuer = new OnceIssuerTokens(Gateway!.GatewayKeys.Issuer, Gateway.GatewayKeys.TokenSigning);
                _owned.Add(issuer);
                tokens = new IssuerTokenSource(issuer, profile.Token.RefreshBeforeSeconds, profile.Token.SendSignature);
                break;
            default:
                var client = new OnboardingClient(
                    onboardingUrl ?? throw new Core.Errors.InputException("1nce-onboarding needs target.onboardingUrl", profilePath, field: "$.target.onboardingUrl"),
                    new HttpConnectOptions { CaFile = caFile, InsecureSkipVerify = profile.Target.Insecure, ConnectTo = ConnectTo(onboardingUrl), FdBudget = fds, MaxConnectionsPerServer = 64, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30), RequestTimeout = TimeSpan.FromSeconds(15) });
                _owned.Add(client);
                tokens = new OnboardingTokenSource(client, profile.Token.RefreshBeforeSeconds, profile.Token.SendSignature);
                break;
        }

        HttpClient? nrfHttp = null;
        if (profile.Device.Scenario == ScenarioKind.NrfCloudLocation)
        {
            nrfHttp = TransportConnector.CreateHttpClient(new HttpConnectOptions { CaFile = caFile, InsecureSkipVerify = profile.Target.Insecure, ConnectTo = nrfCloudUrl is null ? null : ConnectTo(nrfCloudUrl), FdBudget = fds, MaxConnectionsPerServer = 256, RequestTimeout = TimeSpan.FromSeconds(30), MaxResponseContentBytes = 64 * 1024 });
            _owned.Add(nrfHttp);
        }

        var scheduler = new DelayScheduler();
        _owned.Add(scheduler);
        var endpoint = new DeviceEndpoint
        {
            Host = host,
            Address = address,
            Port = port,
            CaFile = caFile,
            Insecure = profile.Target.Insecure,
            SourceAddresses = profile.Transport.SourceAddresses,
            Shards = profile.Fleet.Assigned.Count,
            Fds = fds,
        };
        if (profile.Consumers.Count > 0 || profile.Commands.RatePerSecond > 0)
        {
            Consumers = BackendConsumerAccess.Create(profile, endpoint, Gateway, metrics);
            _owned.Add(Consumers);
        }

        Services = new RunServices
        {
            Options = profile,
            Recorder = metrics,
            Tokens = tokens,
            Endpoint = endpoint,
            Directory = Consumers?.Directory,
            NrfCloud = profile.Device.Scenario != ScenarioKind.NrfCloudLocation ? null
                : new Core.Load.Scenarios.NrfCloudAccess(nrfCloudUrl ?? throw new Core.Errors.InputException("the location scenario needs target.nrfCloudUrl", profilePath, field: "$.target.nrfCloudUrl"), nrfHttp!),
            Scheduler = scheduler,
            SessionLifetime = sessionLifetime,
            SampleAuthorizer = Gateway is { } g ? () => AuthorizerTotals(g) : null,
        };
    }

    private static Core.Metrics.AuthorizerSample AuthorizerTotals(LocalGateway gateway)
    {
        long invocations = 0, refreshes = 0, throttles = 0, cold = 0, timeouts = 0;
        var inFlight = 0;
        foreach (var f in gateway.Counters.Functions)
        {
            invocations += f.Invocations;
            refreshes += f.RefreshInvocations;
            throttles += f.Throttles;
            cold += f.ColdStarts;
            timeouts += f.Timeouts;
            inFlight += f.TakePeakInFlight(); // the second's peak, not the instant's
        }

        var quotas = gateway.Counters.Throttles;
        return new(invocations, refreshes, throttles, cold, timeouts, inFlight)
        {
            ConnectThrottles = quotas.GetValueOrDefault("Connect.Throttle"),
            ClientIdThrottles = quotas.GetValueOrDefault("Connect.ClientIDThrottle"),
        };
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var d in _owned)
        {
            d.Dispose();
        }

        if (Gateway is not null)
        {
            await Gateway.DisposeAsync().ConfigureAwait(false);
        }

        if (_dataDirectory is not null)
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }
}
