using Simulator.Core.Load.Profiles;
using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

/// <summary>Reconnect presets resolve to their clients' defaults, and a profile's keys override them one by one.</summary>
public sealed class ReconnectPresetTests
{
    private static ReconnectPolicy Load(string reconnect)
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["p.json"], $$"""{ "device": { "reconnect": {{reconnect}} }, "phases": [ { "kind": "hold", "seconds": 1 } ] }""");
        return ProfileLoader.Load(tmp["p.json"]).Device.Reconnect.Resolve();
    }

    [Fact]
    public void EachPresetHasItsClientsCeilings()
    {
        var aws = Load("""{ "preset": "aws-iot-sdk" }""");
        Assert.Equal([1_000, 2_000, 64_000, 120_000, 120_000], new[] { 1, 2, 7, 8, 30 }.Select(aws.CeilingMilliseconds));
        Assert.Equal((ReconnectJitter.Full, ReconnectPolicy.Forever), (aws.Jitter, aws.MaxAttempts));

        var mqttJs = Load("""{ "preset": "mqtt-js" }""");
        Assert.All(new[] { 1, 2, 10 }.Select(mqttJs.CeilingMilliseconds), c => Assert.Equal(1_000, c));
        Assert.Equal(ReconnectJitter.None, mqttJs.Jitter);

        var tracker = Load("""{ "preset": "asset-tracker" }""");
        Assert.Equal([60_000, 120_000, 180_000, 3_600_000], new[] { 1, 2, 3, 100 }.Select(tracker.CeilingMilliseconds));

        var ours = Load("{}");
        Assert.Equal(new ReconnectPolicy(500, 30_000, 8, ReconnectJitter.Full, 0, ReconnectShape.Exponential, 0), ours);
    }

    [Fact]
    public void KeysBesideAPresetOverrideOnlyThemselves()
    {
        var p = Load("""{ "preset": "aws-iot-sdk", "maxMilliseconds": 5000, "startTimerMilliseconds": 10000 }""");
        Assert.Equal(new ReconnectPolicy(500, 5_000, ReconnectPolicy.Forever, ReconnectJitter.Full, 10_000, ReconnectShape.Exponential, 0), p);

        // A profile written before presets reads as it did.
        var old = Load("""{ "baseMilliseconds": 15000, "maxMilliseconds": 30000, "maxAttempts": 8, "jitter": "none" }""");
        Assert.Equal(new ReconnectPolicy(15_000, 30_000, 8, ReconnectJitter.None, 0, ReconnectShape.Exponential, 0), old);
        Assert.Equal(30_000, old.CeilingMilliseconds(1));
    }

    [Fact]
    public void AnUnknownPresetOrAnOverrideThatBreaksThePresetIsNamed()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["p.json"], """{ "device": { "reconnect": { "preset": "paho" } }, "phases": [ { "kind": "hold", "seconds": 1 } ] }""");
        var e = Assert.Throws<Simulator.Core.Errors.InputException>(() => ProfileLoader.Load(tmp["p.json"]));
        Assert.Equal("$.device.reconnect.preset", e.Field);
        Assert.Contains("aws-iot-sdk", e.Message, StringComparison.Ordinal);

        File.WriteAllText(tmp["q.json"], """{ "device": { "reconnect": { "preset": "asset-tracker", "maxMilliseconds": 1000 } }, "phases": [ { "kind": "hold", "seconds": 1 } ] }""");
        var f = Assert.Throws<Simulator.Core.Errors.InputException>(() => ProfileLoader.Load(tmp["q.json"]));
        Assert.Equal("$.device.reconnect", f.Field);
        Assert.Contains("30000", f.Message, StringComparison.Ordinal); // the preset's base it broke
    }
}
