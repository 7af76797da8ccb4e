using System.Net;
using Simulator.Core.Health;
using Simulator.Core.Histograms;
using Simulator.Core.Metrics;
using Simulator.Hosting;
using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

/// <summary>
/// A day of seconds through a real dashboard, fed as fast as it takes them: 86,400 rows of a hold
/// with reconnects going on, while one page reads every event and another has stopped reading. The
/// dashboard's memory stays bounded (its history holds at most an hour of rows, coarsened past it,
/// and a page that stops reading has at most an hour of events queued), and a page that opens at
/// the end gets a history of bounded size.
/// </summary>
[Collection(SerialCollection.Name)]
[Trait(Tier.Name, Tier.Full)]
public sealed class DashboardMemoryTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task ADayOfSecondsKeepsTheDashboardsMemoryBounded()
    {
        var port = Ports.Free();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        await using var dashboard = await Dashboard.StartAsync(new IPEndPoint(IPAddress.Loopback, port), "day", 86_400, authorizer: true, TextWriter.Null);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var events = new Uri($"http://127.0.0.1:{port}/events");

        // A page that reads every event, and one that opened and stopped reading.
        using var watching = await http.GetAsync(events, HttpCompletionOption.ResponseHeadersRead);
        using var stalled = await http.GetAsync(events, HttpCompletionOption.ResponseHeadersRead);
        var watched = Task.Run(async () =>
        {
            long bytes = 0;
            var buffer = new byte[64 * 1024];
            using var stream = await watching.Content.ReadAsStreamAsync();
            for (int n; (n = await stream.ReadAsync(buffer)) > 0;)
            {
                bytes += n;
            }

            return bytes;
        });

        // Rows of a day's hold with reconnects going on (connects in one second of ten), drawn once and numbered on.
        var random = new Random(23);
        var kinds = Enumerable.Range(1, 240).Select(i => Row(random, i, connecting: i % 10 == 0)).ToList();
        long peak = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var s = 1; s <= 86_400; s++)
        {
            dashboard.Publish(kinds[s % kinds.Count] with { Second = s, UnixSecond = 1_800_000_000 + s });
            if (s % 3600 == 0)
            {
                await Task.Delay(10); // let the watching page drain, as a second's pause would
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: s % 21_600 == 0));
            }
        }

        var held = GC.GetTotalMemory(forceFullCollection: true) - before;

        // A page that opens now gets the whole day, coarsened, in one event.
        using var late = await http.GetAsync(events, HttpCompletionOption.ResponseHeadersRead);
        using var lateStream = await late.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(lateStream);
        var head = await reader.ReadLineAsync();
        var history = await reader.ReadLineAsync();
        Assert.Equal("event: history", head);
        Assert.NotNull(history);

        output.WriteLine($"published in {clock.Elapsed.TotalSeconds:F1} s");
        output.WriteLine($"a day of seconds: dashboard heap +{held / 1048576.0:F1} MB after collection (peak {(peak - before) / 1048576.0:F1} MB), history event {history!.Length / 1048576.0:F2} MB");
        Assert.True(held < 20L << 20, $"the dashboard holds {held >> 20} MB after a day of seconds");
        Assert.True(history.Length < 2 << 20, $"a late page's history is {history.Length >> 20} MB");
        GC.KeepAlive(stalled);
        await dashboard.DisposeAsync();
        Assert.True(await watched > 86_400L * 500, "the watching page got every second's event");
    }

    private static SecondRow Row(Random r, int second, bool connecting)
    {
        var connect = new LatencyHistogram();
        var ok = connecting ? r.Next(20, 60) : 0;
        for (var i = 0; i < ok; i++)
        {
            connect.Record(r.Next(500, 200_000));
        }

        var health = new HealthSample(Math.Round(r.NextDouble() * 100, 1), 50, r.Next(100), 8, Math.Round(r.NextDouble() * 10, 2), 0.5, 200, 20000, 100 << 20, false);
        return new SecondRow(
            second, "2/3 hold", 500, 500, r.Next(10), r.Next(400, 500), r.Next(10), 0, true, r.Next(10),
            ok, r.Next(3), r.Next(100), r.Next(100), r.Next(100), r.Next(2),
            ok == 0 ? double.NaN : connect.Percentile(50) / 1000.0, ok == 0 ? double.NaN : connect.Percentile(99) / 1000.0,
            r.Next(3) == 0 ? new Dictionary<string, long> { ["Timeout"] = r.Next(1, 5) } : new Dictionary<string, long>(), health)
        {
            UnixSecond = 1_800_000_000 + second,
            ConnectHistogram = ok == 0 ? string.Empty : connect.ToCompressedBase64(),
            Authorizer = new AuthorizerSample(r.Next(30), r.Next(5), 0, r.Next(2), 0, r.Next(20)),
        };
    }
}
