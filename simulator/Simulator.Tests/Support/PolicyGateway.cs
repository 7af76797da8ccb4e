using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;
using Simulator.Core.CustomAuth;
using Simulator.Gateway;
using Simulator.Gateway.Config;

namespace Simulator.Tests.Support;

/// <summary>
/// An embedded gateway whose one authorizer is a <see cref="TestLambda"/> behind the <c>http</c>
/// callout, answering each connect with the policy its token names: for tests of what a policy
/// lets a client do, with real clients over TLS and ALPN mqtt.
/// </summary>
public sealed class PolicyGateway : IAsyncDisposable
{
    /// <summary>Every IoT action on every resource.</summary>
    public const string Open = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}""";

    private readonly TempDir _dir;
    private readonly TestLambda _lambda;

    private PolicyGateway(string authorizer, TempDir dir, TestLambda lambda, LocalGateway gateway)
    {
        Authorizer = authorizer;
        _dir = dir;
        _lambda = lambda;
        Gateway = gateway;
    }

    public LocalGateway Gateway { get; }

    /// <summary>The authorizer's name, and its principal's.</summary>
    public string Authorizer { get; }

    /// <param name="policies">The policy document for each token; any other token gets <see cref="Open"/>.</param>
    /// <param name="quotas">The gateway's quotas; by default one client id may connect again at once.</param>
    public static async Task<PolicyGateway> StartAsync(string authorizer, IReadOnlyDictionary<string, string>? policies = null, QuotaOptions? quotas = null)
    {
        var dir = new TempDir();
        var lambda = await TestLambda.StartAsync((e, _) =>
        {
            var policy = policies?.GetValueOrDefault(e.GetProperty("token").GetString() ?? string.Empty) ?? Open;
            return $$"""{"isAuthenticated":true,"principalId":"{{authorizer}}","disconnectAfterInSeconds":3600,"refreshAfterInSeconds":300,"policyDocuments":[{{System.Text.Json.JsonSerializer.Serialize(policy)}}]}""";
        });
        var gateway = await LocalGateway.StartAsync(new GatewayOptions
        {
            DataDirectory = dir["data"],
            Quotas = quotas ?? new QuotaOptions { ConnectsPerSecondPerClientId = 0 },
            Authorizers = [new() { Name = authorizer, Type = "http", SigningDisabled = true, TokenKeyName = "x-token", CalloutUrl = lambda.Url }],
            DefaultAuthorizer = authorizer,
        });
        return new PolicyGateway(authorizer, dir, lambda, gateway);
    }

    /// <summary>The MQTT username that carries <paramref name="token"/> to the authorizer.</summary>
    public string User(string token) => new CustomAuthCredentials(Authorizer, "x-token", token, null).ToUsername(Authorizer);

    /// <summary>The gateway's CA, for a client's trust chain.</summary>
    public X509Certificate2Collection Trust()
    {
        var trust = new X509Certificate2Collection();
        trust.ImportFromPemFile(Gateway.CaFile);
        return trust;
    }

    /// <summary>MQTTnet's options for a clean-session client over TLS with ALPN mqtt, with <paramref name="token"/>'s policy.</summary>
    public MqttClientOptions MqttNet(string clientId, MqttProtocolVersion version, string token = "open") =>
        new MqttClientOptionsBuilder().WithClientId(clientId).WithProtocolVersion(version).WithCleanSession()
            .WithTcpServer("localhost", Gateway.Port).WithCredentials(User(token), string.Empty).WithTimeout(TimeSpan.FromSeconds(20))
            .WithTlsOptions(o => o.UseTls().WithTargetHost("localhost").WithTrustChain(Trust()).WithApplicationProtocols([new SslApplicationProtocol("mqtt")])).Build();

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await _lambda.DisposeAsync();
        _dir.Dispose();
    }
}
