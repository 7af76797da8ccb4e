using System.Net;
using Simulator.Core.CustomAuth;
using Simulator.Core.Load;
using Simulator.Core.Transport.Link;
using Simulator.Tests.Support;

namespace Simulator.Tests.Link;

/// <summary>
/// The link model's delay against an independent link: a delaying TCP proxy this test owns, which
/// holds every chunk a fixed time each way. The same WSS custom-auth connects run through the
/// proxy with the model off, and straight to the gateway with the model's round trip set to the
/// proxy's (no spread). Each phase's median must agree within 15 % plus 12 ms (the shared timer
/// ticks every 10 ms). The TCP phase is the model's alone: a user-space proxy cannot hold a SYN, so
/// there the model must show one round trip and the proxy none.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class LinkDelayTests(GatewayFixture g, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<GatewayFixture>
{
    private const double OneWayMs = 75;
    private const int Rounds = 2;

    internal static bool Agree(double model, double independent) => Math.Abs(model - independent) <= (0.15 * independent) + 12;

    [Fact]
    public async Task EachConnectPhaseTakesWhatTheDelayingProxyMakesItTake()
    {
        var devices = new List<(string, string)>();
        foreach (var d in g.Fleet.Devices.Take(4))
        {
            var (username, _, _, _) = await g.OnboardWithCurlAsync(d.Iccid);
            devices.Add((d.Iccid, CustomAuthCredentials.FromUsername(username, "token", out _)!.Token));
        }

        await using var proxy = new DelayingProxy(new IPEndPoint(IPAddress.Loopback, g.Gateway.Port), TimeSpan.FromMilliseconds(OneWayMs));
        using var timers = new DelayScheduler();
        var throughProxy = await LinkConnects.RunAsync("127.0.0.1", proxy.Port, g.Gateway.CaFile, devices, Rounds, link: null, timers: null);
        var modelled = await LinkConnects.RunAsync("127.0.0.1", g.Gateway.Port, g.Gateway.CaFile, devices, Rounds, new LinkProfile(2 * OneWayMs, 2 * OneWayMs), timers);
        var bare = await LinkConnects.RunAsync("127.0.0.1", g.Gateway.Port, g.Gateway.CaFile, devices, Rounds, link: null, timers: null);
        var table = LinkConnects.Table(modelled, throughProxy);
        output.WriteLine(table);
        output.WriteLine("model off: " + LinkConnects.Table(bare, throughProxy));

        foreach (var (phase, of) in LinkConnects.Phases.Where(p => p.Phase != "tcp"))
        {
            var model = LinkConnects.Median(modelled.Select(of));
            var independent = LinkConnects.Median(throughProxy.Select(of));
            Assert.True(Agree(model, independent), $"{phase} disagrees: {table}");

            // The comparison can fail: without the model the same phase is far off the proxy's.
            Assert.False(Agree(LinkConnects.Median(bare.Select(of)), independent), $"{phase} agrees with the model off too: the check proves nothing ({table})");
        }

        var tcp = LinkConnects.Median(modelled.Select(t => t.TcpMs));
        Assert.True(Agree(tcp, 2 * OneWayMs), $"the model's TCP handshake should take one round trip ({2 * OneWayMs} ms): {table}");
        Assert.True(LinkConnects.Median(throughProxy.Select(t => t.TcpMs)) < 20, $"the proxy was not expected to delay the TCP handshake: {table}");
    }
}
