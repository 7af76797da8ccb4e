using Simulator.Core.Errors;
using Simulator.Gateway;
using Simulator.Gateway.Config;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

public sealed class GatewayConfigTests
{
    [Fact]
    public void APartialConfigKeepsEveryDefault()
    {
        var options = GatewayConfig.Load(Path.Combine(Peers.RepoRoot, "profiles", "gateway", "gateway-10k.json"));
        Assert.Equal(8443, options.Port);
        Assert.Equal(["1nce-authorizer", "device-jwt"], options.Authorizers.Select(a => a.Name));
        Assert.Equal(500, options.Quotas.ConnectsPerSecondPerAccount);
        Assert.NotNull(options.Faults);
    }

    [Fact]
    public void AnUnknownKeyNamesFileAndLine()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["g.json"], "{\n  \"port\": 1,\n  \"quotas\": { \"connectsPerMinute\": 5 }\n}");
        var e = Assert.Throws<InputException>(() => GatewayConfig.Load(tmp["g.json"]));
        Assert.Equal(3, e.Line);
        Assert.Contains("connectsPerMinute", e.Message, StringComparison.Ordinal);
    }
}
