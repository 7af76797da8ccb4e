using System.Text.Json;
using Simulator.Tests.Support;
using Simulator.Tests.Support.Devices;

namespace Simulator.Tests.Load;

/// <summary>
/// The engine with devices that misbehave on purpose: every device is owned and counted, the
/// accounting checks fire when bookkeeping breaks, identities are never shared, and a verdict
/// never says PASSED over a device that vanished.
/// </summary>
public sealed class SupervisorTests
{
    private const string RampHold = """[ { "kind": "ramp", "rate": 100 }, { "kind": "hold", "seconds": 1 } ]""";

    [Fact]
    public async Task AThrowingDeviceIsCountedAsUnexpectedAndTheRunFails()
    {
        using var tmp = new TempDir();
        var (code, output, summary, dir) = await RunHarness.RunAsync(RunHarness.DeviceOnlyProfile(RampHold, 10), tmp, devices: _ => _ => new ThrowingDevice());
        Assert.Equal(1, code);
        Assert.Equal("failed", summary.GetProperty("verdict").GetString());

        // Each device's open attempt is a named failure, and each device is a counted crash: none vanished.
        Assert.Equal(10, summary.GetProperty("failures").GetProperty("Unexpected:InvalidOperationException").GetInt64());
        Assert.Equal(10, summary.GetProperty("devices").GetProperty("crashed").GetInt64());
        Assert.Equal(10, summary.GetProperty("devices").GetProperty("started").GetInt64());
        Assert.False(summary.GetProperty("accounting").GetProperty("holds").GetBoolean());
        Assert.Contains("crashed", summary.GetProperty("accounting").GetProperty("problem").GetString(), StringComparison.Ordinal);

        // The first message is kept once, with the token-like text blanked.
        var first = summary.GetProperty("unexpected").GetProperty("Unexpected:InvalidOperationException").GetString()!;
        Assert.Contains("device bug", first, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJhbGciOiJFUzI1NiJ9", first, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJhbGciOiJFUzI1NiJ9", File.ReadAllText(Path.Combine(dir, "report.html")), StringComparison.Ordinal);
        Assert.Single(output.Split('\n'), l => l.Contains("Unexpected:InvalidOperationException first seen", StringComparison.Ordinal));

        // Where it was thrown is kept for a bug report: the throwing frame, scrubbed like the message.
        var stacks = File.ReadAllText(Path.Combine(dir, "unexpected.txt"));
        Assert.Contains("== Unexpected:InvalidOperationException", stacks, StringComparison.Ordinal);
        Assert.Contains(nameof(ThrowingDevice), stacks, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJhbGciOiJFUzI1NiJ9", stacks, StringComparison.Ordinal);
    }

    /// <summary>The transition table is enforced: a device that moves from given up back to connected is a crash, and the run fails on it.</summary>
    [Fact]
    public async Task AMoveTheTransitionTableForbidsIsACrash()
    {
        using var tmp = new TempDir();
        var (code, _, summary, _) = await RunHarness.RunAsync(RunHarness.DeviceOnlyProfile(RampHold, 4), tmp, devices: _ => _ => new ResurrectingDevice());
        Assert.Equal(1, code);
        Assert.Equal(4, summary.GetProperty("crashes").GetProperty("Unexpected:InvalidOperationException").GetInt64());
        Assert.Contains("GivenUp -> Connected", summary.GetProperty("unexpected").GetProperty("Unexpected:InvalidOperationException").GetString(), StringComparison.Ordinal);
        Assert.False(summary.GetProperty("accounting").GetProperty("holds").GetBoolean());
    }

    [Theory]
    [InlineData(Simulator.Core.Load.DeviceState.GivenUp, Simulator.Core.Load.DeviceState.Connecting, false)]
    [InlineData(Simulator.Core.Load.DeviceState.BackingOff, Simulator.Core.Load.DeviceState.Connected, false)]
    [InlineData(Simulator.Core.Load.DeviceState.Connected, Simulator.Core.Load.DeviceState.GivenUp, false)]
    [InlineData(Simulator.Core.Load.DeviceState.Connecting, Simulator.Core.Load.DeviceState.GivenUp, true)]
    [InlineData(Simulator.Core.Load.DeviceState.Connected, Simulator.Core.Load.DeviceState.Connecting, true)]
    public void TheTransitionTableSaysWhichMovesAreAllowed(Simulator.Core.Load.DeviceState from, Simulator.Core.Load.DeviceState to, bool allowed) =>
        Assert.Equal(allowed, Simulator.Core.Load.DeviceTransitions.IsAllowed(from, to));

    [Fact]
    public async Task AnExceptionInsideAnAttemptIsANamedFailureAndTheDeviceLivesOn()
    {
        // A token source that throws what nobody named (as an HttpClient timeout or a bad body read would).
        using var tmp = new TempDir();
        var (code, _, summary, _) = await RunHarness.RunAsync(
            RunHarness.DeviceOnlyProfile(RampHold, 5, extra: """, "device": { "reconnect": { "baseMilliseconds": 50, "maxMilliseconds": 100, "maxAttempts": 3 } }, "thresholds": { "errorRate": 0 }"""),
            tmp,
            devices: run => run.WithTokens(new ThrowingTokenSource()).Devices());
        Assert.Equal(1, code);
        var failures = summary.GetProperty("failures").GetProperty("Unexpected:FormatException").GetInt64();
        Assert.Equal(15, failures); // 5 devices × 3 attempts, then each gives up
        Assert.Equal(0, summary.GetProperty("devices").GetProperty("crashed").GetInt64());
        Assert.True(summary.GetProperty("accounting").GetProperty("holds").GetBoolean());
        Assert.Equal(summary.GetProperty("attemptsStarted").GetInt64(), summary.GetProperty("attempts").GetInt64() + summary.GetProperty("interrupted").GetInt64());
    }

    [Fact]
    public async Task ALostAttemptBreaksTheAccountingAndFailsTheRun()
    {
        using var tmp = new TempDir();
        var (code, output, summary, _) = await RunHarness.RunAsync(RunHarness.DeviceOnlyProfile(RampHold, 8), tmp, devices: _ => _ => new AttemptLosingDevice());
        Assert.Equal(1, code);
        Assert.False(summary.GetProperty("accounting").GetProperty("holds").GetBoolean());
        Assert.True(summary.GetProperty("accounting").GetProperty("brokenSeconds").GetInt64() > 0);
        Assert.Contains("attempt(s) lost", summary.GetProperty("accounting").GetProperty("problem").GetString(), StringComparison.Ordinal);
        Assert.Contains("ACCOUNTING BROKE", output, StringComparison.Ordinal);
        Assert.DoesNotContain("PASSED", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARampAfterARampDownNeverSharesAnIdentity()
    {
        var tracker = new LiveIdentities();
        using var tmp = new TempDir();
        // Returned identities rest 1.1 s before reuse (one connect per second per client id), so each
        // ramp back up waits that long: the holds are longer than the rest, so the plan never runs ahead.
        const string phases = """
            [ { "kind": "ramp", "to": 20, "rate": 200 }, { "kind": "hold", "seconds": 0.5 },
              { "kind": "rampDown", "to": 5, "rate": 1000 },
              { "kind": "ramp", "to": 20, "rate": 1000 }, { "kind": "hold", "seconds": 1.5 },
              { "kind": "rampDown", "to": 0, "rate": 1000 }, { "kind": "ramp", "to": 20, "rate": 1000 }, { "kind": "hold", "seconds": 3 } ]
            """;
        var (code, output, summary, _) = await RunHarness.RunAsync(RunHarness.DeviceOnlyProfile(phases, 20), tmp, devices: _ => _ => new IdleDevice(tracker));
        Assert.True(code == 0, output);
        Assert.Equal(0, tracker.Duplicates);
        Assert.Equal(20 + 15 + 20, tracker.Started);
        Assert.Equal(55, summary.GetProperty("devices").GetProperty("started").GetInt64());
        Assert.Equal(55, summary.GetProperty("accounting").GetProperty("arrivalsStarted").GetInt64());
        Assert.Equal(20, summary.GetProperty("devices").GetProperty("connectedAtLastHold").GetInt64());
    }

    [Fact]
    public async Task MinConnectedShareIsTakenAtTheEndOfTheLastHoldNotAtThePeak()
    {
        // 10 devices connect, then the plan drops to 3 before the last hold ends: the peak was 100 %.
        using var tmp = new TempDir();
        const string phases = """[ { "kind": "ramp", "rate": 100 }, { "kind": "hold", "seconds": 2.5 }, { "kind": "rampDown", "to": 3, "rate": 100 }, { "kind": "hold", "seconds": 2 } ]""";
        var (code, _, summary, _) = await RunHarness.RunAsync(RunHarness.DeviceOnlyProfile(phases, 10, extra: """, "thresholds": { "minConnectedShare": 0.9 }"""), tmp, devices: _ => _ => new IdleDevice());
        Assert.Equal(1, code);
        Assert.Equal(10, summary.GetProperty("devices").GetProperty("peakConnected").GetInt64());
        var share = summary.GetProperty("thresholds").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "minConnectedShare");
        Assert.Equal(0.3, share.GetProperty("actual").GetDouble(), 3);
        Assert.False(share.GetProperty("passed").GetBoolean());
    }

    [Fact]
    public async Task ConnectedAtTheEndOfTheLastHoldIsTakenAtThatInstantNotAtTheNextTick()
    {
        // The hold ends at 2.6 s and the ramp-down empties the fleet within 10 ms; the per-second tick
        // at 3.0 s comes after it. Sampled by tick, the share read 0 (or 0.993 on a busy machine).
        using var tmp = new TempDir();
        const string phases = """[ { "kind": "ramp", "rate": 100 }, { "kind": "hold", "seconds": 2.5 }, { "kind": "rampDown", "to": 0, "rate": 1000 } ]""";
        var (code, output, summary, _) = await RunHarness.RunAsync(RunHarness.DeviceOnlyProfile(phases, 10, extra: """, "thresholds": { "minConnectedShare": 1.0 }"""), tmp, devices: _ => _ => new IdleDevice());
        Assert.True(code == 0, output);
        Assert.Equal(10, summary.GetProperty("devices").GetProperty("connectedAtLastHold").GetInt64());
    }
}
