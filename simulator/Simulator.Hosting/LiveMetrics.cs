using System.Net;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Simulator.Core.Errors;

namespace Simulator.Hosting;

/// <summary>
/// The run's instruments (meters "Simulator.Run" and, with an embedded gateway, "Simulator.Gateway")
/// exported while it runs, so shards in a cluster feed one dashboard: to an OpenTelemetry collector
/// over OTLP/HTTP (<c>--otlp-endpoint</c>), and as a Prometheus scrape endpoint (<c>--metrics-port</c>,
/// prometheus-net, which publishes System.Diagnostics.Metrics meters). Each shard is its own
/// <c>service.instance.id</c>.
/// </summary>
internal sealed class LiveMetrics : IDisposable
{
    public static readonly string[] Meters = ["Simulator.Run", "Simulator.Gateway"];

    private readonly MeterProvider? _otlp;
    private readonly Prometheus.MetricServer? _scrape;

    private LiveMetrics(MeterProvider? otlp, Prometheus.MetricServer? scrape)
    {
        _otlp = otlp;
        _scrape = scrape;
    }

    /// <summary>Null when neither exporter was asked for.</summary>
    /// <param name="metricsPort">The Prometheus scrape port, or null for none.</param>
    /// <param name="otlpEndpoint">The OTLP endpoint to push to, or null for none.</param>
    /// <param name="shard">This shard's label on every instrument.</param>
    /// <param name="exportInterval">How often OTLP pushes.</param>
    /// <param name="output">Where the endpoints are printed (without credentials).</param>
    /// <param name="prometheusHost">"+" listens on every address (a pod); tests use "127.0.0.1".</param>
    public static LiveMetrics? Start(int? metricsPort, string? otlpEndpoint, string shard, TimeSpan exportInterval, TextWriter output, string prometheusHost = "+")
    {
        MeterProvider? otlp = null;
        Prometheus.MetricServer? scrape = null;
        if (otlpEndpoint is { } text)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                // Not echoed when it may hold credentials (user:password@, a query): error output is often kept.
                var got = text.Contains('@', StringComparison.Ordinal) || text.Contains('?', StringComparison.Ordinal) ? "a value that is not one" : $"\"{text}\"";
                throw new InputException($"must be an http(s) URL of an OTLP/HTTP receiver, e.g. http://otel-collector:4318, got {got}", field: "--otlp-endpoint");
            }

            // OTLP/HTTP puts metrics under /v1/metrics; a bare collector address gets that path.
            var endpoint = uri.AbsolutePath is "/" or "" ? new Uri(uri, "/v1/metrics") : uri;
            otlp = Sdk.CreateMeterProviderBuilder()
                .ConfigureResource(r => r.AddService("nrf-fleet-simulator", serviceInstanceId: shard).AddAttributes([new("simulator.shard", shard)]))
                .AddMeter(Meters)
                .AddOtlpExporter((exporter, reader) =>
                {
                    exporter.Endpoint = endpoint;
                    exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)exportInterval.TotalMilliseconds;
                    reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
                })
                .Build();
            output.WriteLine($"metrics: OTLP/HTTP to {Shown(endpoint)} every {exportInterval.TotalSeconds:0.#} s (service.instance.id {shard})");
        }

        if (metricsPort is { } port)
        {
            if (port is < 1 or > 65535)
            {
                otlp?.Dispose();
                throw new InputException($"must be 1 to 65535, got {port}", field: "--metrics-port");
            }

            try
            {
                scrape = new Prometheus.MetricServer(prometheusHost, port);
                scrape.Start();
            }
            catch (HttpListenerException e)
            {
                otlp?.Dispose();
                throw new InputException($"the Prometheus endpoint cannot listen on port {port}: {e.Message}", field: "--metrics-port");
            }

            output.WriteLine($"metrics: Prometheus scrape endpoint on port {port}, path /metrics");
        }

        return otlp is null && scrape is null ? null : new LiveMetrics(otlp, scrape);
    }

    /// <summary>Exports now: called when the run ends, while its meters still exist, so the last export carries the final figures.</summary>
    /// <summary>The endpoint as the console shows it: a user name, a password or a query (where collectors take credentials) left out.</summary>
    internal static string Shown(Uri endpoint)
    {
        var hidden = endpoint.UserInfo.Length > 0 || endpoint.Query.Length > 1;
        var bare = new UriBuilder(endpoint) { UserName = string.Empty, Password = string.Empty, Query = string.Empty }.Uri;
        return hidden ? $"{bare.GetLeftPart(UriPartial.Path)} (its credentials not shown)" : bare.GetLeftPart(UriPartial.Path);
    }

    public void Flush() => _otlp?.ForceFlush(5000);

    public void Dispose()
    {
        _otlp?.Dispose();
        _scrape?.Stop();
    }
}
