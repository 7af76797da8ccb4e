using System.Reflection;

namespace Simulator.Tests.Architecture;

/// <summary>
/// The layers, from the bottom: buffers, errors and the process's limits, histograms, wire formats,
/// identity, payloads, transport (its TLS trust, then OpenSSL, then the connector and the clients over it),
/// health and metrics, the profile, load, capacity, results, hosting and the CLI. A namespace uses its own layer
/// and those below; no two namespaces reach each other; the gateway uses the wire formats and never
/// the load engine, and the simulator's core never the gateway.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly Core = typeof(Core.Load.LoadEngine).Assembly;
    private static readonly Assembly Host = typeof(Hosting.FleetRun).Assembly;
    private static readonly Assembly Shell = typeof(Simulator.Cli.SimulatorCli).Assembly;
    private static readonly Assembly Gateway = typeof(Simulator.Gateway.LocalGateway).Assembly;

    internal static readonly string[][] SimulatorLayers =
    [
        ["Simulator.Core.Buffers", "Simulator.Core.Errors", "Simulator.Core.Processes"],
        ["Simulator.Core.Histograms"],
        ["Simulator.Core.Mqtt", "Simulator.Core.Tokens", "Simulator.Core.CustomAuth", "Simulator.Core.Onboarding", "Simulator.Core.NrfCloud"],
        ["Simulator.Core.Identity"],
        ["Simulator.Core.Payloads"],
        ["Simulator.Core.Transport.Tls", "Simulator.Core.Transport.Link"],
        ["Simulator.Core.Transport.OpenSsl"],
        ["Simulator.Core.Transport", "Simulator.Core.Mqtt.Client", "Simulator.Core.Onboarding.Client"],
        ["Simulator.Core.Health", "Simulator.Core.Metrics"],
        ["Simulator.Core.Scenarios"],
        ["Simulator.Core.Load.Profiles"],
        ["Simulator.Core.Load"],
        ["Simulator.Core.Load.Scenarios"],
        ["Simulator.Core.Capacity"],
        ["Simulator.Core.Results.Summary"],
        ["Simulator.Core.Results"],
        ["Simulator.Hosting"],
        ["Simulator.Cli"],
    ];

    internal static readonly string[][] GatewayLayers =
    [
        ["Simulator.Gateway.Config", "Simulator.Gateway.Logging"],
        ["Simulator.Gateway.Policy", "Simulator.Gateway.Tls"],
        ["Simulator.Gateway.Auth"],
        ["Simulator.Gateway.Services"],
        ["Simulator.Gateway.Broker"],
        ["Simulator.Gateway.Http"],
        ["Simulator.Gateway"],
    ];

    [Fact]
    public void EveryNamespaceIsInALayer()
    {
        var placed = SimulatorLayers.Concat(GatewayLayers).SelectMany(l => l).ToHashSet(StringComparer.Ordinal);
        var unplaced = LayerRules.Namespaces([Core, Host, Shell], "Simulator").Concat(LayerRules.Namespaces([Gateway], "Simulator.Gateway"))
            .Where(n => !placed.Contains(n) && !n.StartsWith("System.", StringComparison.Ordinal) && !n.StartsWith("Microsoft.", StringComparison.Ordinal)).ToList();
        Assert.True(unplaced.Count == 0, "namespaces in no layer: " + string.Join(", ", unplaced));
    }

    [Fact]
    public void NoNamespaceUsesALayerAboveIt()
    {
        var problems = LayerRules.UpwardDependencies([Core, Host, Shell], SimulatorLayers).Concat(LayerRules.UpwardDependencies([Gateway], GatewayLayers)).ToList();
        Assert.True(problems.Count == 0, "dependencies against the layers:\n" + string.Join('\n', problems));
    }

    [Fact]
    public void NoTwoNamespacesReachEachOther()
    {
        var cycles = LayerRules.Cycles([Core, Host, Shell], [.. SimulatorLayers.SelectMany(l => l)]).Concat(LayerRules.Cycles([Gateway], [.. GatewayLayers.SelectMany(l => l)])).ToList();
        Assert.True(cycles.Count == 0, "namespace cycles:\n" + string.Join('\n', cycles));
    }

    /// <summary>The gateway plays the cloud: it speaks the wire formats and never reaches into the load engine, its results or the CLI.</summary>
    [Fact]
    public void TheGatewayNeverUsesTheLoadEngine()
    {
        string[] forbidden = ["Simulator.Core.Load", "Simulator.Core.Load.Profiles", "Simulator.Core.Load.Scenarios", "Simulator.Core.Capacity", "Simulator.Core.Results", "Simulator.Core.Health", "Simulator.Core.Mqtt.Client"];
        var problems = LayerRules.Namespaces([Gateway], "Simulator.Gateway")
            .SelectMany(ns => forbidden.SelectMany(f => LayerRules.DependentTypes([Gateway, Core], ns, f).Select(t => $"{t} uses {f}"))).ToList();
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.DoesNotContain(Core.GetReferencedAssemblies(), a => a.Name == Gateway.GetName().Name);
    }

    /// <summary>The rules themselves can fail: a planted lower namespace that uses the upper one is named, and so is the cycle it makes.</summary>
    [Fact]
    public void APlantedBackEdgeIsCaught()
    {
        var tests = typeof(ArchitectureTests).Assembly;
        string[][] planted = [["Simulator.Tests.Architecture.Planted.Low"], ["Simulator.Tests.Architecture.Planted.High"]];
        var upward = LayerRules.UpwardDependencies([tests], planted);
        Assert.Equal("Simulator.Tests.Architecture.Planted.Low.PlantedBuffer (layer 0) uses Simulator.Tests.Architecture.Planted.High (layer 1)", Assert.Single(upward));
        var cycle = Assert.Single(LayerRules.Cycles([tests], [.. planted.SelectMany(l => l)]));
        Assert.Contains("Planted.Low -> Simulator.Tests.Architecture.Planted.High", cycle, StringComparison.Ordinal);
        Assert.StartsWith("Simulator.Tests.Architecture.Planted.High.PlantedEngine (layer 0)", Assert.Single(LayerRules.UpwardDependencies([tests], [.. planted.Reverse()])), StringComparison.Ordinal);
    }
}
