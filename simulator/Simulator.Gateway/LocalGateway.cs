using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Simulator.Core.Identity;
using Simulator.Core.Tokens;
using Simulator.Gateway.Auth;
using Simulator.Gateway.Broker;
using Simulator.Gateway.Config;
using Simulator.Gateway.Http;
using Simulator.Gateway.Policy;
using Simulator.Gateway.Tls;

namespace Simulator.Gateway;

/// <summary>
/// AWS IoT Core's custom-auth front door, 1NCE onboarding and nRF Cloud REST on one TLS port, as
/// AWS serves everything on 443: ALPN "mqtt" leads to raw MQTT with credentials in the username;
/// HTTP/1.1 to the WebSocket upgrade at /mqtt, HTTPS publish, onboarding and nRF Cloud paths.
/// SNI is required and must equal the endpoint name.
/// </summary>
public sealed class LocalGateway : IAsyncDisposable
{
    private static readonly SslApplicationProtocol Mqtt = new("mqtt");
    private readonly WebApplication _app;
    private readonly OnceIssuerTokens _issuer;

    private LocalGateway(WebApplication app, GatewayOptions options, GatewayCertificates certificates, MqttBroker broker, GatewayCounters counters, PublicKeyRegistry keys, OnceIssuerTokens issuer, GatewayKeys gatewayKeys)
    {
        _app = app;
        Options = options;
        Certificates = certificates;
        Broker = broker;
        Counters = counters;
        Keys = keys;
        _issuer = issuer;
        GatewayKeys = gatewayKeys;
    }

    public GatewayOptions Options { get; }

    public GatewayCertificates Certificates { get; }

    /// <summary>The CA to trust (our AmazonRootCA1.pem).</summary>
    public string CaFile => Certificates.CaFile;

    public MqttBroker Broker { get; }

    public GatewayCounters Counters { get; }

    public PublicKeyRegistry Keys { get; }

    public GatewayKeys GatewayKeys { get; }

    /// <summary>The faults in force; set <see cref="FaultState.Current"/> to start or clear a storm.</summary>
    public FaultState Faults => Broker.Faults;

    public int Port { get; private set; }

    public string EndpointName => Options.EndpointName;

    public static async Task<LocalGateway> StartAsync(GatewayOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        time ??= TimeProvider.System;

        // Query strings carry device credentials; no log line of the gateway or its host keeps them.
        loggerFactory = loggerFactory is null ? null : new Logging.RedactingLoggerFactory(loggerFactory, options.Authorizers.Select(a => a.TokenKeyName));
        Config.DataDirectory.Prepare(options.DataDirectory);
        var certificates = GatewayCertificates.LoadOrCreate(options.DataDirectory, options.EndpointName);
        var gatewayKeys = GatewayKeys.LoadOrCreate(options.DataDirectory);
        var counters = new GatewayCounters();
        var arn = new IotArn(options.Region, options.AccountId);
        var registry = new PublicKeyRegistry();
        Fleet? fleet = options.FleetDirectory is { } dir ? FleetStore.Load(dir) : null;
        if (fleet is not null)
        {
            foreach (var d in fleet.Devices)
            {
                using var ec = ECDsa.Create();
                ec.ImportFromPem(d.PublicKeyPem);
                registry.Register(d.DeviceId, ec.ExportSubjectPublicKeyInfo());
            }
        }

        var issuer = new OnceIssuerTokens(gatewayKeys.Issuer, gatewayKeys.TokenSigning, options.OnboardingTokenLifetimeSeconds);
        // The callout carries device tokens: straight to the configured URL (no proxy, no redirects), its answer read into 64 KB at most.
        var http = Core.Transport.TransportConnector.CreateHttpClient(new Core.Transport.HttpConnectOptions { UseProxy = false, MaxResponseContentBytes = 64 * 1024 });
        var lambdaAccount = new LambdaAccount(options.LambdaAccount);
        var authorizers = options.Authorizers.Select(a =>
        {
            IAuthorizer authorizer = a.Type switch
            {
                "1nce" => new OnceAuthorizer(issuer, arn, a, time),
                "device-jwt" => new DeviceJwtAuthorizer(registry, arn, a, time),
                "http" => new HttpCalloutAuthorizer(http, new Uri(a.CalloutUrl ?? throw new Core.Errors.InputException("an http authorizer needs calloutUrl", field: $"authorizers[{a.Name}].calloutUrl"))),
                _ => throw new Core.Errors.InputException($"authorizer type must be 1nce, device-jwt or http, got '{a.Type}'", field: $"authorizers[{a.Name}].type"),
            };
            var signingKeys = a.TokenSigningPublicKeys.Count == 0
                ? new[] { gatewayKeys.TokenSigning }
                : a.TokenSigningPublicKeys.Values.Select(pem =>
                {
                    var rsa = RSA.Create();
                    rsa.ImportFromPem(pem);
                    return rsa;
                }).ToArray();
            // Every authorizer runs as a function with a capacity; without one configured: unlimited (no
            // scaling rate, outside the account's pool), AWS's 5 s timeout.
            var function = a.Lambda is { } lambda
                ? new LambdaFunction(a.Name, authorizer, lambda, time, lambdaAccount)
                : new LambdaFunction(a.Name, authorizer, new LambdaOptions { ScaleUpPer10Seconds = 0 }, time);
            return (a, function, signingKeys);
        }).ToList();
        counters.Functions = [.. authorizers.Select(a => a.Item2)];
        counters.LambdaAccount = lambdaAccount;
        var faults = new FaultState(options.Faults);
        var pipeline = new CustomAuthPipeline(authorizers, options.DefaultAuthorizer, counters, faults, options.MinimumAuthTtlSeconds, loggerFactory?.CreateLogger("Simulator.Gateway.CustomAuth"));
        var broker = new MqttBroker(pipeline, arn, options.Quotas, faults, counters, time, loggerFactory?.CreateLogger("Simulator.Gateway.Broker"), options.Mqtt5);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, ServiceLifetime>();
        if (loggerFactory is not null)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.Limits.MaxConcurrentUpgradedConnections = null;
            kestrel.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
            kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    HandshakeTimeout = TimeSpan.FromSeconds(options.TlsHandshakeTimeoutSeconds),
                    OnConnection = context =>
                    {
                        // A.1: "Connection attempts that don't include the SNI are refused."
                        if (!string.Equals(context.ClientHelloInfo.ServerName, options.EndpointName, StringComparison.OrdinalIgnoreCase))
                        {
                            throw new System.Security.Authentication.AuthenticationException($"SNI '{context.ClientHelloInfo.ServerName}' is not the endpoint '{options.EndpointName}'");
                        }

                        return ValueTask.FromResult(new SslServerAuthenticationOptions
                        {
                            ServerCertificate = certificates.ServerCertificate,
                            ApplicationProtocols = [Mqtt, SslApplicationProtocol.Http11],
                        });
                    },
                });
                listen.Use(next => async connection =>
                {
                    var alpn = connection.Features.Get<ITlsApplicationProtocolFeature>()?.ApplicationProtocol;
                    if (alpn is { } p && p.Span.SequenceEqual("mqtt"u8))
                    {
                        var sni = connection.Features.Get<ITlsHandshakeFeature>()?.HostName ?? options.EndpointName;
                        var request = new AuthRequest { Protocol = "mqtt", ServerName = sni, RemoteAddress = (connection.RemoteEndPoint as IPEndPoint)?.Address.ToString() };
                        await broker.RunSessionAsync(connection.Transport, request, null, connection.ConnectionClosed).ConfigureAwait(false);
                        return;
                    }

                    await next(connection).ConfigureAwait(false);
                });
            });
        });

        var app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        var gatewayHolder = new GatewayHolder();
        IotDataEndpoints.Map(app, broker, pipeline, arn, options);
        OnboardingEndpoints.Map(app, options, faults, issuer, fleet, () => (gatewayHolder.Gateway!.EndpointName, gatewayHolder.Gateway!.AmazonRootCaUrl), time);
        NrfCloudEndpoints.Map(app, options, registry, time);
        app.MapGet("/AmazonRootCA1.pem", () => Microsoft.AspNetCore.Http.Results.Text(File.ReadAllText(certificates.CaFile), "application/x-pem-file"));
        // The counters name authorizers, failure classes and client behaviour: open to this host,
        // and from anywhere else only with the gateway's API key (a gateway in a shared cluster).
        app.MapGet("/gateway/counters", (Microsoft.AspNetCore.Http.HttpContext c) =>
            c.Connection.RemoteIpAddress is { } from && System.Net.IPAddress.IsLoopback(from) || NrfCloudEndpoints.ApiKeyOk(c, options)
                ? Microsoft.AspNetCore.Http.Results.Json(counters.Snapshot(), GatewayJson.Context.Options)
                : Microsoft.AspNetCore.Http.Results.StatusCode(401));

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var gateway = new LocalGateway(app, options, certificates, broker, counters, registry, issuer, gatewayKeys);
        gateway.Port = new Uri(app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        gatewayHolder.Gateway = gateway;
        return gateway;
    }

    /// <summary>Where the onboarding endpoint tells devices to fetch the CA.</summary>
    public string AmazonRootCaUrl => $"https://{EndpointName}:{Port}/AmazonRootCA1.pem";

    public async ValueTask DisposeAsync()
    {
        await Broker.DisposeAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _issuer.Dispose();
        Counters.Dispose();
    }

    private sealed class GatewayHolder
    {
        public LocalGateway? Gateway { get; set; }
    }
}
