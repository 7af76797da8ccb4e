using Simulator.Tests.Support;
using Simulator.Tests.Support.Devices;

namespace Simulator.Tests.Load;

/// <summary>
/// No verdict without a standard: a profile without thresholds is judged by the documented
/// defaults, a run in which nothing connected is FAILED whatever the thresholds say, and an
/// explicitly empty thresholds section reads NO THRESHOLDS, never PASSED.
/// </summary>
public sealed class VerdictStandardTests
{
    private const string Hold = """[ { "kind": "ramp", "rate": 50 }, { "kind": "hold", "seconds": 1 } ]""";
    private const string FastRetries = """, "device": { "reconnect": { "baseMilliseconds": 50, "maxMilliseconds": 100, "maxAttempts": 100 } }""";

    /// <summary>The user's case: no thresholds, a port where nothing listens. It used to print PASSED with every attempt refused.</summary>
    [Fact]
    public async Task ARefusedTargetWithoutThresholdsFailsOnTheDefaults()
    {
        using var tmp = new TempDir();
        var profile = RunHarness.DeviceOnlyProfile(Hold, 3, FastRetries).Replace("\"port\": 9", $"\"port\": {Ports.Free()}", StringComparison.Ordinal);
        var (code, output, summary, _) = await RunHarness.RunAsync(profile, tmp);
        Assert.True(code == 1, output);
        Assert.Equal("failed", summary.GetProperty("verdict").GetString());
        Assert.Equal(0, summary.GetProperty("successes").GetInt64());
        Assert.True(summary.GetProperty("failures").GetProperty("TcpRefused").GetInt64() > 0, output);
        Assert.True(summary.GetProperty("thresholdsDefaulted").GetBoolean());
        Assert.Equal(["errorRate", "minConnectedShare"], summary.GetProperty("thresholds").EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToArray());
        Assert.Contains("thresholds: errorRate <= 0.01, minConnectedShare >= 0.99 (the defaults: the profile sets none)", output, StringComparison.Ordinal);
        Assert.Contains("no attempt connected", output, StringComparison.Ordinal);
        Assert.DoesNotContain("PASSED", output, StringComparison.Ordinal);
    }

    /// <summary>Thresholds that nothing connecting would meet (every attempt may fail) still cannot pass a run that reached nothing.</summary>
    [Fact]
    public async Task NothingConnectedIsFailedWhateverTheThresholdsSay()
    {
        using var tmp = new TempDir();
        var profile = RunHarness.DeviceOnlyProfile(Hold, 3, FastRetries + """, "thresholds": { "errorRate": 1 }""").Replace("\"port\": 9", $"\"port\": {Ports.Free()}", StringComparison.Ordinal);
        var (code, output, summary, _) = await RunHarness.RunAsync(profile, tmp);
        Assert.True(code == 1, output);
        Assert.Equal("failed", summary.GetProperty("verdict").GetString());
        Assert.True(summary.GetProperty("thresholds")[0].GetProperty("passed").GetBoolean(), "the threshold itself holds");
        Assert.False(summary.GetProperty("thresholdsDefaulted").GetBoolean());
        Assert.Contains("thresholds: errorRate <= 1; and at least one device must connect", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEmptyThresholdsSectionIsNoThresholdsNeverPassed()
    {
        using var tmp = new TempDir();
        var (code, output, summary, dir) = await RunHarness.RunAsync(RunHarness.DeviceOnlyProfile(Hold, 5, """, "thresholds": {}"""), tmp, devices: _ => _ => new IdleDevice());
        Assert.True(code == 0, output);
        Assert.Equal("unjudged", summary.GetProperty("verdict").GetString());
        Assert.False(summary.GetProperty("passed").GetBoolean());
        Assert.Empty(summary.GetProperty("thresholds").EnumerateArray());
        Assert.Contains("NO THRESHOLDS", output, StringComparison.Ordinal);
        Assert.DoesNotContain("PASSED", output, StringComparison.Ordinal);
        Assert.Contains("**NO THRESHOLDS**", File.ReadAllText(Path.Combine(dir, "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFleetThatConnectsPassesOnTheDefaults()
    {
        using var tmp = new TempDir();
        var (code, output, summary, _) = await RunHarness.RunAsync(RunHarness.DeviceOnlyProfile(Hold, 5), tmp, devices: _ => _ => new IdleDevice());
        Assert.True(code == 0, output);
        Assert.Equal("passed", summary.GetProperty("verdict").GetString());
        Assert.True(summary.GetProperty("thresholdsDefaulted").GetBoolean());
    }
}
