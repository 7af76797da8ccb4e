using System.Diagnostics.Metrics;
using Simulator.Core.Metrics;

namespace Simulator.Tests.Metrics;

/// <summary>Recording apart from export: a recorder alone publishes nothing; the instruments observe it while they live.</summary>
public sealed class RunInstrumentsTests
{
    [Fact]
    public void Only_an_observed_recorder_reaches_the_meter()
    {
        // Other tests' runs publish on the same meter name at the same time: only this test's instruments count.
        var seen = new List<string>();
        Meter? mine = null;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == RunInstruments.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => { if (i.Meter == Volatile.Read(ref mine)) { lock (seen) { seen.Add($"{i.Name}={v}"); } } });
        listener.SetMeasurementEventCallback<double>((i, _, _, _) => { if (i.Meter == Volatile.Read(ref mine)) { lock (seen) { seen.Add(i.Name); } } });
        listener.Start();

        // A recorder merged or rebuilt from results: no instruments, nothing published.
        var merged = new RunMetrics();
        merged.ConnectSucceeded(3.0);
        Assert.Null(merged.Observer);

        var live = new RunMetrics();
        using (var instruments = new RunInstruments(live))
        {
            Volatile.Write(ref mine, instruments.Meter);
            live.ConnectSucceeded(4.0);
            live.AttemptFailed("TcpRefused");
            live.Published();
            merged.ConnectSucceeded(5.0);
        }

        Assert.Contains("simulator.connects=1", seen);
        Assert.Contains("simulator.errors=1", seen);
        Assert.Contains("simulator.publishes=1", seen);
        Assert.Contains("simulator.phase.duration", seen);
        Assert.Single(seen, s => s.StartsWith("simulator.connects", StringComparison.Ordinal));

        // Disposed: the recorder goes on recording, for the results, and publishes nothing more.
        var before = seen.Count;
        live.ConnectSucceeded(6.0);
        Assert.Null(live.Observer);
        Assert.Equal(before, seen.Count);
        Assert.Equal(2, live.Successes);
    }
}
