using System.Text;
using System.Text.Json;
using Simulator.Core.Load.Profiles;
using Simulator.Hosting;
using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

/// <summary>Runs a small profile through the same code as `simulator run`, and reads its summary back.</summary>
internal static class RunHarness
{
    public static string Profile(string transport, string tokenSource, int devices = 12, string extra = "", string target = """{ "kind": "embedded" }""", string scenario = "telemetry", double holdSeconds = 3) => $$"""
        {
          "name": "test-{{transport}}-{{tokenSource}}",
          "target": {{target}},
          "fleet": { "count": {{devices}}, "seed": "7" },
          "token": { "source": "{{tokenSource}}" },
          "transport": { "kind": "{{transport}}" },
          "device": { "scenario": "{{scenario}}", "publishIntervalSeconds": 0.5, "qos": 1, "reconnect": { "baseMilliseconds": 100, "maxMilliseconds": 400, "maxAttempts": 50 } },
          "phases": [ { "kind": "ramp", "to": {{devices}}, "rate": 50 }, { "kind": "hold", "seconds": {{holdSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}} }, { "kind": "rampDown", "rate": 100 } ]
          {{extra}}
        }
        """;

    /// <summary>A profile for engine tests with test devices: an endpoint nobody contacts, device JWTs minted locally.</summary>
    public static string DeviceOnlyProfile(string phases, int devices, string extra = "") => $$"""
        {
          "name": "engine-test",
          "target": { "kind": "endpoint", "host": "localhost", "address": "127.0.0.1", "port": 9 },
          "fleet": { "count": {{devices}}, "seed": "11" },
          "token": { "source": "device-jwt" },
          "transport": { "kind": "mqtt-alpn" },
          "phases": {{phases}}
          {{extra}}
        }
        """;

    public static async Task<(int Code, string Output, JsonElement Summary, string Dir)> RunAsync(string profileJson, TempDir tmp, CancellationToken cancel = default, Func<Simulator.Hosting.RunServices, Func<Simulator.Core.Identity.DeviceIdentity, Simulator.Core.Load.ISupervisedDevice>>? devices = null, System.Net.IPEndPoint? dashboard = null, Simulator.Core.Scenarios.ScenarioDefinition? scenario = null)
    {
        var path = tmp["profile.json"];
        await File.WriteAllTextAsync(path, profileJson, CancellationToken.None);
        var profile = ProfileLoader.Load(path);
        var output = new StringWriter();
        var setup = new RunSetup { Profile = profile, ProfilePath = path, ResultsRoot = tmp["results"], Out = TextWriter.Synchronized(output), DeviceFactory = devices, Dashboard = dashboard, Scenario = scenario };
        var code = await FleetRun.ExecuteAsync(setup, cancel);
        var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(setup.ResultsDirectory!, "summary.json"), CancellationToken.None)).RootElement.Clone();
        return (code, output.ToString(), summary, setup.ResultsDirectory!);
    }
}
