using System.Text.Json;
using Simulator.Core.Identity;
using Simulator.Gateway;
using Simulator.Gateway.Config;

namespace Simulator.Tests.Support;

/// <summary>A real gateway on a free loopback port with a small fleet, AWS quotas relaxed where tests reconnect quickly.</summary>
public class GatewayFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new();

    public LocalGateway Gateway { get; private set; } = null!;

    internal Fleet Fleet { get; private set; } = null!;

    public string FleetDir => _dir["fleet"];

    public string Dir => _dir.Path;

    protected virtual string EndpointName => "localhost";

    protected virtual int DisconnectAfterSeconds => 86_400;

    protected virtual Mqtt5Options Mqtt5 => new();

    public virtual async Task InitializeAsync()
    {
        Fleet = FleetStore.Create(new FleetSpec { Seed = 77, Count = 8 }, FleetDir);
        Gateway = await LocalGateway.StartAsync(new GatewayOptions
        {
            DataDirectory = _dir["data"],
            FleetDirectory = FleetDir,
            EndpointName = EndpointName,
            MinimumAuthTtlSeconds = 1,
            Quotas = new QuotaOptions { ConnectsPerSecondPerClientId = 0 },
            Mqtt5 = Mqtt5,
            Authorizers =
            [
                new() { Name = "1nce-authorizer", Type = "1nce", SigningDisabled = true, DisconnectAfterInSeconds = DisconnectAfterSeconds, RefreshAfterInSeconds = 86_400 },
                new() { Name = "signed-1nce", Type = "1nce", SigningDisabled = false },
                new() { Name = "device-jwt", Type = "device-jwt" },
            ],
        });
    }

    public virtual async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        _dir.Dispose();
    }

    public string Port => Gateway.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string Url(string path) => $"https://{Gateway.EndpointName}:{Gateway.Port}{path}";

    /// <summary>Onboards a SIM with curl, as a device on the 1NCE network would.</summary>
    public async Task<(string Username, string Endpoint, string ClientId, string CaUrl)> OnboardWithCurlAsync(string iccid)
    {
        var json = await Proc.CheckAsync("curl", ["-sS", "--fail", "--cacert", Gateway.CaFile, "-H", $"X-Sim-Iccid: {iccid}", Url("/device-api/onboarding/mqtt/tokens")]);
        using var doc = JsonDocument.Parse(json);
        var r = doc.RootElement;
        return (r.GetProperty("username").GetString()!, r.GetProperty("iotCoreEndpointUrl").GetString()!, r.GetProperty("clientId").GetString()!, r.GetProperty("amazonRootCaUrl").GetString()!);
    }
}
