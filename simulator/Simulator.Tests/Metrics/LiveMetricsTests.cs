using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Simulator.Tests.Cli;
using Simulator.Tests.Support;

namespace Simulator.Tests.Metrics;

/// <summary>
/// The run's instruments while it runs: scraped from <c>--metrics-port</c> and parsed as the
/// Prometheus text format, and received over OTLP/HTTP by a minimal in-test collector that walks
/// the protobuf itself. The exported figures must equal what the run's own summary says.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class LiveMetricsTests
{
    private const string Profile = """
        { "name": "live-metrics", "target": { "kind": "embedded" }, "fleet": { "count": 12, "seed": "8" },
          "token": { "source": "device-jwt" }, "transport": { "kind": "mqtt-alpn" }, "warmUp": { "devices": 0 },
          "device": { "publishIntervalSeconds": 1, "qos": 1 },
          "phases": [ { "kind": "ramp", "rate": 24 }, { "kind": "hold", "seconds": 3 } ] }
        """;

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static long Successes(TempDir tmp) =>
        JsonDocument.Parse(File.ReadAllText(Directory.GetFiles(tmp["results"], "summary.json", SearchOption.AllDirectories).Single())).RootElement.GetProperty("successes").GetInt64();

    [Fact]
    public async Task ThePrometheusEndpointServesDevicesPhasesAndHealthWhileTheRunRuns()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["p.json"], Profile);
        var port = FreePort();
        var run = CliRunner.RunAsync("run", "--profile", tmp["p.json"], "--results", tmp["results"], "--metrics-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--metrics-host", "127.0.0.1");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        string? seen = null;
        while (!run.IsCompleted)
        {
            try
            {
                var text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
                if (Value(text, "simulator_run_simulator_devices", "state=\"connected\"") == 12)
                {
                    seen = text;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(200);
        }

        var r = await run;
        Assert.True(r.Code == 0, r.Out + r.Err);
        Assert.True(seen is not null, "a scrape during the hold saw all 12 devices connected");
        Assert.Equal(Successes(tmp), Value(seen!, "simulator_run_simulator_connects"));
        Assert.True(Value(seen!, "simulator_run_simulator_phase_duration", "phase=\"tls\"", "_count") >= 12);
        Assert.True(Value(seen!, "simulator_run_simulator_generator_cpu") >= 0);
        Assert.True(Value(seen!, "simulator_run_simulator_generator_open_files") > 12);
        Assert.Contains("metrics: Prometheus scrape endpoint on port", r.Out, StringComparison.Ordinal);

        // Once the run is over the endpoint is gone.
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync($"http://127.0.0.1:{port}/metrics"));
    }

    /// <summary>The value of the first sample line whose name starts with <paramref name="name"/> (then an optional suffix) and carries the label.</summary>
    private static double Value(string text, string name, string? label = null, string? suffix = null)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(name, StringComparison.Ordinal))
            {
                continue;
            }

            var metric = line[..line.LastIndexOf(' ')];
            var bare = metric.Split('{')[0];
            if ((suffix is null ? bare is var b && (b == name || b == name + "_total") : bare == name + suffix) && (label is null || metric.Contains(label, StringComparison.Ordinal)))
            {
                return double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return double.NaN;
    }

    [Fact]
    public async Task OtlpDeliversTheCountersToACollector()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp["p.json"], Profile);
        var port = FreePort();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var bodies = new List<(string Path, string? Type, byte[] Body)>();
        var receiving = Task.Run(async () =>
        {
            while (collector.IsListening)
            {
                HttpListenerContext ctx;
                try
                {
                    ctx = await collector.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var ms = new MemoryStream();
                await ctx.Request.InputStream.CopyToAsync(ms);
                lock (bodies)
                {
                    bodies.Add((ctx.Request.Url!.AbsolutePath, ctx.Request.ContentType, ms.ToArray()));
                }

                ctx.Response.StatusCode = 200;
                ctx.Response.Close();
            }
        });

        var r = await CliRunner.RunAsync("run", "--profile", tmp["p.json"], "--results", tmp["results"], "--otlp-endpoint", $"http://127.0.0.1:{port}");
        collector.Stop();
        await receiving;
        Assert.True(r.Code == 0, r.Out + r.Err);
        Assert.NotEmpty(bodies);
        Assert.All(bodies, b =>
        {
            Assert.Equal("/v1/metrics", b.Path);
            Assert.Equal("application/x-protobuf", b.Type);
        });

        // The flush when the run ends (the provider's own shutdown export may follow it, without the
        // run's gauges, whose meter is gone by then) carries the final figures.
        var last = bodies.Select(b => Otlp.Metrics(b.Body)).Last(m => m.ContainsKey("simulator.devices"));
        Assert.Equal(Successes(tmp), last["simulator.connects"]);
        Assert.True(last.ContainsKey("simulator.devices"));
        Assert.True(last.ContainsKey("simulator.phase.duration"));
        Assert.True(last.ContainsKey("simulator.generator.cpu"));
        Assert.True(bodies[^1].Body.AsSpan().IndexOf("nrf-fleet-simulator"u8) >= 0, "service.name in the resource");
    }
}
