using Simulator.Core.Metrics;

namespace Simulator.Tests.Metrics;

/// <summary>Reports are built from a snapshot: what the recorder records afterwards does not reach it, and combining snapshots sums them.</summary>
public sealed class SnapshotTests
{
    [Fact]
    public void A_snapshot_does_not_move_and_snapshots_combine_exactly()
    {
        var recorder = new RunMetrics();
        recorder.ConnectSucceeded(2.0);
        recorder.AttemptFailed("TlsHandshake");
        var snapshot = recorder.Snapshot();

        recorder.ConnectSucceeded(900.0);
        recorder.AttemptFailed("TlsHandshake");
        recorder.AttemptFailed("TcpRefused");

        Assert.Equal(1, snapshot.Successes);
        Assert.Equal(2, snapshot.Attempts);
        Assert.Equal(1, snapshot.Failures["TlsHandshake"]);
        Assert.False(snapshot.Failures.ContainsKey("TcpRefused"));
        Assert.Equal(1, snapshot[Phase.Connect].Count);

        var both = RunTotals.Combine([snapshot, recorder.Snapshot()]);
        Assert.Equal(3, both.Successes);
        Assert.Equal(3, both.Failures["TlsHandshake"]);
        Assert.Equal(1, both.Failures["TcpRefused"]);
        Assert.Equal(3, both[Phase.Connect].Count);
        Assert.Equal(0, both[Phase.PubAck].Count);
    }
}
