using System.Security.Cryptography;
using Simulator.Core.CustomAuth;
using Simulator.Core.Load;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Load.Scenarios;
using Simulator.Core.Metrics;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Tokens;
using Simulator.Core.Transport;
using Simulator.Gateway;
using Simulator.Gateway.Config;

namespace Simulator.Hosting;

/// <summary>
/// How a run's backend (its consumers and its command sender) reaches the target. On the embedded
/// gateway it is a backend principal the gateway grants: an authorizer of its own (device JWTs
/// from keys made for the run, a policy that may publish, subscribe to and receive every topic),
/// over TLS with ALPN mqtt. On a plain MQTT broker (transport mqtt-tcp) it connects as the devices
/// do, without credentials.
/// </summary>
internal sealed class BackendConsumerAccess : IDisposable
{
    /// <summary>The embedded gateway's authorizer for consumers, beside the devices' own.</summary>
    public const string AuthorizerName = "fleet-backend";

    private const string Policy = """
        {"Version":"2012-10-17","Statement":[
         {"Effect":"Allow","Action":"iot:Connect","Resource":"arn:aws:iot:{region}:{account}:client/{deviceId}"},
         {"Effect":"Allow","Action":"iot:Subscribe","Resource":"arn:aws:iot:{region}:{account}:topicfilter/*"},
         {"Effect":"Allow","Action":["iot:Receive","iot:Publish"],"Resource":"arn:aws:iot:{region}:{account}:topic/*"}]}
        """;

    private readonly List<ECDsa> _keys = [];
    private readonly DeviceEndpoint _endpoint;
    private readonly RunOptions _profile;
    private readonly bool _embedded;

    private BackendConsumerAccess(RunOptions profile, DeviceEndpoint endpoint, bool embedded, RunMetrics metrics)
    {
        _profile = profile;
        _endpoint = endpoint;
        _embedded = embedded;
        Directory = new DeviceDirectory(profile.Consumers.Count > 0 ? metrics.Deliveries : null);
    }

    /// <summary>Where the consumers find the devices.</summary>
    public DeviceDirectory Directory { get; }

    /// <summary>The embedded gateway's options with the consumers' authorizer added.</summary>
    public static GatewayOptions WithAuthorizer(GatewayOptions options) => options with
    {
        Authorizers = [.. options.Authorizers, new AuthorizerOptions { Name = AuthorizerName, Type = "device-jwt", SigningDisabled = true, PolicyTemplate = Policy }],
    };

    /// <summary>Consumers for a run; on the embedded gateway, their keys registered with it.</summary>
    public static BackendConsumerAccess Create(RunOptions profile, DeviceEndpoint endpoint, LocalGateway? gateway, RunMetrics metrics)
    {
        var access = new BackendConsumerAccess(profile, endpoint, gateway is not null, metrics);
        for (var i = 0; gateway is not null && i <= profile.Consumers.Count; i++) // the last key is the command sender's
        {
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            access._keys.Add(key);
            gateway.Keys.Register(access.ClientId(i), key.ExportSubjectPublicKeyInfo());
        }

        return access;
    }

    /// <summary>The command sender's connection.</summary>
    public (TransportOptions Transport, MqttClientOptions Options) CommanderConnection() => Connection(_profile.Consumers.Count);

    /// <summary>Consumer <paramref name="i"/>'s connection (<see cref="CommanderConnection"/> after the last).</summary>
    public (TransportOptions Transport, MqttClientOptions Options) Connection(int i)
    {
        var transport = new TransportOptions
        {
            Kind = _embedded ? TransportKind.Tls : TransportKind.Tcp,
            Host = _endpoint.Address ?? _endpoint.Host,
            ServerName = _endpoint.Host,
            Port = _endpoint.Port,
            CaFile = _endpoint.CaFile,
            InsecureSkipVerify = _endpoint.Insecure,
            Alpn = _embedded ? ["mqtt"] : null,
            ConnectTimeout = TimeSpan.FromSeconds(_profile.Transport.ConnectTimeoutSeconds),
            FdBudget = _endpoint.Fds,
        };
        string? username = null;
        if (_embedded)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            using var minter = new DeviceTokenMinter(Es256Signer.Create(_keys[i].ExportParameters(includePrivateParameters: true)), ClientId(i), new DeviceTokenOptions { LifetimeSeconds = 86_400 });
            username = new CustomAuthCredentials(AuthorizerName, "token", minter.Mint(now), null).ToUsername(ClientId(i));
        }

        return (transport, new MqttClientOptions { ClientId = ClientId(i), Username = username, KeepAliveSeconds = 60, Version = MqttVersion.V311 });
    }

    public void Dispose()
    {
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }

    private string ClientId(int i) => i == _profile.Consumers.Count ? $"{AuthorizerName}-commands" : $"{AuthorizerName}-{i}";
}
