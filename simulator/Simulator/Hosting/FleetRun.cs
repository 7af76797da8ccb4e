using System.Net;
using System.Security.Cryptography;
using Simulator.Core.Identity;
using Simulator.Core.Load;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;
using Simulator.Core.Onboarding;
using Simulator.Core.Results;
using Simulator.Core.Tokens;
using Simulator.Gateway;

namespace Simulator.Hosting;

/// <summary>
/// One run end to end: the fleet (or its shard), the target (the embedded gateway or real
/// endpoints), the token source, the engine, the console, and the results. Results are written
/// even when the run is stopped early.
/// </summary>
public static class FleetRun
{
    public static async Task<int> ExecuteAsync(RunSetup setup, CancellationToken stop)
    {
        var profile = setup.Profile;
        var fleet = profile.Fleet.Directory is { } dir
            ? FleetStore.Load(dir)
            : Fleet.Generate(new FleetSpec { Seed = FleetSpec.ParseSeed(profile.Fleet.Seed), Count = profile.Fleet.Count });
        ProfileLoader.TryParseShard(profile.Fleet.Shard, out var shard, out var shards);
        var devices = Enumerable.Range(0, fleet.Count).Where(i => i % shards == shard).Select(i => fleet[i]).ToList();

        LocalGateway? gateway = null;
        using var metrics = new RunMetrics();
        try
        {
            string host, caFile;
            string? address = null;
            int port;
            Uri? onboardingUrl, nrfCloudUrl;
            if (profile.Target.Kind == "embedded")
            {
                var options = profile.Gateway is { } g ? GatewayConfig.FromJson(g, setup.ProfilePath) : new GatewayOptions();
                gateway = await LocalGateway.StartAsync(options with { ListenAddress = "127.0.0.1", Port = 0 }, cancellationToken: stop).ConfigureAwait(false);
                if (profile.Token.Source == "device-jwt" || profile.Device.Scenario == "nrfcloud-location")
                {
                    // As if RegisterPublicKeys had run for the fleet (the nRF Cloud test covers that step).
                    foreach (var d in devices)
                    {
                        using var ec = ECDsa.Create();
                        ec.ImportFromPem(d.PublicKeyPem);
                        gateway.Keys.Register(d.DeviceId, ec.ExportSubjectPublicKeyInfo());
                    }
                }

                host = gateway.EndpointName;
                address = "127.0.0.1";
                port = gateway.Port;
                caFile = gateway.CaFile;
                onboardingUrl = nrfCloudUrl = new Uri($"https://{host}:{port}");
                await setup.Out.WriteLineAsync($"embedded gateway on 127.0.0.1:{port} ({host}); CA {caFile}").ConfigureAwait(false);
            }
            else
            {
                host = profile.Target.Host!;
                address = profile.Target.Address;
                port = profile.Target.Port;
                caFile = profile.Target.CaFile!;
                onboardingUrl = profile.Target.OnboardingUrl is { } o ? new Uri(o) : null;
                nrfCloudUrl = profile.Target.NrfCloudUrl is { } n ? new Uri(n) : null;
            }

            using var onboarding = profile.Token.Source == "1nce-onboarding"
                ? new OnboardingClient(onboardingUrl ?? throw new Core.Errors.InputException("1nce-onboarding needs target.onboardingUrl", setup.ProfilePath, field: "$.target.onboardingUrl"), caFile, profile.Target.Insecure)
                : null;
            using var issuer = profile.Token.Source == "local-issuer" ? new OnceIssuerTokens(gateway!.GatewayKeys.Issuer, gateway.GatewayKeys.TokenSigning) : null;
            using var jwt = profile.Token.Source == "device-jwt"
                ? new DeviceJwtTokenSource(fleet, new DeviceTokenOptions { LifetimeSeconds = profile.Token.LifetimeSeconds, ClaimMode = profile.Token.Claim == "iss" ? DeviceClaimMode.Issuer : DeviceClaimMode.Subject }, profile.Token.Authorizer ?? "device-jwt", profile.Token.TokenKeyName, profile.Token.RefreshBeforeSeconds, metrics)
                : null;
            ITokenSource tokens = profile.Token.Source switch
            {
                "device-jwt" => jwt!,
                "local-issuer" => new IssuerTokenSource(issuer!, profile.Token.RefreshBeforeSeconds, metrics, profile.Token.SendSignature),
                _ => new OnboardingTokenSource(onboarding!, profile.Token.RefreshBeforeSeconds, metrics, profile.Token.SendSignature),
            };

            using var nrfHttp = profile.Device.Scenario == "nrfcloud-location" ? NrfCloudHttp(caFile, profile.Target.Insecure) : null;
            var context = new LoadContext
            {
                Profile = profile,
                Metrics = metrics,
                Tokens = tokens,
                Host = host,
                Address = address,
                Port = port,
                CaFile = caFile,
                Insecure = profile.Target.Insecure,
                NrfCloudBase = nrfCloudUrl,
                NrfCloudHttp = nrfHttp,
                SourceAddresses = [.. profile.Transport.SourceAddresses.Select(IPAddress.Parse)],
            };
            using var scheduler = context.Scheduler;
            var engine = new LoadEngine(context, devices);
            await setup.Out.WriteLineAsync($"run '{profile.Name}': {devices.Count} devices (shard {profile.Fleet.Shard}), {profile.Transport.Kind}, tokens from {profile.Token.Source}, {engine.Plan.TotalSeconds:F0} s planned").ConfigureAwait(false);
            var console = ConsoleReporter.RunAsync(engine, setup);
            var outcome = await engine.RunAsync(stop).ConfigureAwait(false);
            await console.ConfigureAwait(false);

            var report = new RunReport(profile, outcome, metrics, devices.Count);
            setup.ResultsDirectory = ResultsWriter.Write(report, setup.ResultsRoot);
            await ConsoleReporter.PrintSummaryAsync(report, setup).ConfigureAwait(false);
            return report.Passed ? Cli.ExitCodes.Ok : Cli.ExitCodes.Failed;
        }
        finally
        {
            if (gateway is not null)
            {
                await gateway.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static HttpClient NrfCloudHttp(string? caFile, bool insecure)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 256 };
        handler.SslOptions.RemoteCertificateValidationCallback = Core.Transport.TlsValidation.Callback(caFile, insecure);
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }
}
