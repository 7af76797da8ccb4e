namespace Simulator.Tests.Architecture;

/// <summary>
/// The core library's public API is deliberate: the scenario API, the typed run summary a test
/// asserts on, the bad-input exception, and the few choices they name. Everything else is
/// internal (the hosting library, the CLI, the gateway and the tests see it as friends), so a type
/// made public by accident fails here.
/// </summary>
public sealed class PublicApiTests
{
    private static readonly string[] Expected =
    [
        // The scenario API.
        "Simulator.Core.Scenarios.CellInfo", "Simulator.Core.Scenarios.DeviceContext", "Simulator.Core.Scenarios.DeviceHttps", "Simulator.Core.Scenarios.DeviceInfo", "Simulator.Core.Scenarios.DeviceNrfCloud", "Simulator.Core.Scenarios.DeviceSession", "Simulator.Core.Scenarios.ReceivedMessage",
        "Simulator.Core.Scenarios.Scenario", "Simulator.Core.Scenarios.ScenarioDefinition", "Simulator.Core.Scenarios.Step", "Simulator.Core.Scenarios.StepFailedException",
        "Simulator.Core.Mqtt.MqttQos",

        // The typed summary (summary.json) and its reader.
        "Simulator.Core.Results.Summary.AccountingSummary", "Simulator.Core.Results.Summary.AuthorizerSummary", "Simulator.Core.Results.Summary.CommandSummary", "Simulator.Core.Results.Summary.ConsumerSummary",
        "Simulator.Core.Results.Summary.DeviceCounts", "Simulator.Core.Results.Summary.DutyCycleSummary", "Simulator.Core.Results.Summary.GeneratorSummary",
        "Simulator.Core.Results.Summary.HistogramSummary", "Simulator.Core.Results.Summary.MachineSummary", "Simulator.Core.Results.Summary.OutageSummary",
        "Simulator.Core.Results.Summary.PhaseHistograms", "Simulator.Core.Results.Summary.RunSummary", "Simulator.Core.Results.Summary.ShardSummary",
        "Simulator.Core.Results.Summary.StepSummary", "Simulator.Core.Results.Summary.StormTargetSummary", "Simulator.Core.Results.Summary.SummaryJson",
        "Simulator.Core.Results.Summary.ThresholdSummary",

        // Bad input, as FleetRunner throws it.
        "Simulator.Core.Errors.InputException",

        // Choices that public members and test data name.
        "Simulator.Core.Mqtt.MqttVersion", "Simulator.Core.Mqtt.MqttPacketType", "Simulator.Core.Mqtt.MqttErrorCode", "Simulator.Core.Transport.TlsProvider",
        "Simulator.Core.Load.DeviceState", "Simulator.Core.Tokens.DeviceClaimMode", "Simulator.Core.Tokens.JwtRejectReason",
    ];

    [Fact]
    public void TheCoreLibraryExportsTheScenarioApiAndTheSummaryOnly()
    {
        var exported = typeof(Core.Scenarios.Scenario).Assembly.GetExportedTypes().Where(t => !t.IsNested).Select(t => t.FullName!).Order(StringComparer.Ordinal).ToList();
        Assert.True(exported.Count <= 40, $"{exported.Count} public types");
        Assert.Equal(Expected.Order(StringComparer.Ordinal), exported);
    }
}
