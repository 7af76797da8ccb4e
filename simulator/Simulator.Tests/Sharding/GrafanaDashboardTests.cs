using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using Simulator.Core.Metrics;
using Simulator.Gateway.Auth;
using Simulator.Tests.Support;

namespace Simulator.Tests.Sharding;

/// <summary>
/// deploy/grafana's dashboard over the shards' Prometheus endpoints cannot be loaded into a Grafana
/// here, so what it depends on is checked: every metric its queries name is one the run's and the
/// gateway's instruments export (by prometheus-net's naming, which LiveMetricsTests scrapes from a
/// real run), every label it groups by is one those instruments carry, and the shards' Job serves
/// the port the dashboard's scrape reads.
/// </summary>
public sealed partial class GrafanaDashboardTests
{
    private static readonly string File = Path.Combine(Peers.RepoRoot, "deploy", "grafana", "nrf-fleet-simulator.json");

    [GeneratedRegex("simulator_[a-z_]+")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"by \(([a-z_, ]+)\)")]
    private static partial Regex GroupedBy();

    /// <summary>What prometheus-net publishes for each instrument of the run's and the gateway's meters: meter and instrument name, lower case, '.' as '_'.</summary>
    private static Dictionary<string, string> Exported()
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name is RunInstruments.MeterName or "Simulator.Gateway")
                {
                    var name = $"{instrument.Meter.Name}_{instrument.Name}".ToLowerInvariant().Replace('.', '_');
                    names[name] = instrument.GetType().Name;
                }
            },
        };
        listener.Start();
        using var run = new RunInstruments(new RunMetrics());
        using var gateway = new GatewayCounters();
        return names;
    }

    private static List<string> Queries()
    {
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(File));
        return [.. doc.RootElement.GetProperty("panels").EnumerateArray().SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!)];
    }

    [Fact]
    public void EveryQueryNamesAMetricTheRunExports()
    {
        var exported = Exported();
        Assert.Contains("simulator_run_simulator_phase_duration", exported.Keys); // the naming LiveMetricsTests sees on a real scrape
        var queries = Queries();
        Assert.True(queries.Count >= 10, $"{queries.Count} queries");
        foreach (var query in queries)
        {
            foreach (Match m in MetricName().Matches(query))
            {
                var name = Regex.Replace(m.Value, "_(bucket|sum|count)$", string.Empty);
                Assert.True(exported.ContainsKey(name), $"\"{m.Value}\" in `{query}` is not exported (the run exports {string.Join(", ", exported.Keys.Order(StringComparer.Ordinal))})");
                if (m.Value.EndsWith("_bucket", StringComparison.Ordinal))
                {
                    Assert.StartsWith("Histogram", exported[name], StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public void ItGroupsOnlyByLabelsTheInstrumentsCarryAndNeverAveragesPercentiles()
    {
        // The labels the run's instruments record with, and Prometheus's own.
        string[] labels = ["state", "class", "reason", "phase", "authorizer", "le", "instance", "job"];
        foreach (var query in Queries())
        {
            foreach (Match m in GroupedBy().Matches(query))
            {
                Assert.All(m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries), l => Assert.Contains(l, labels));
            }

            // A percentile over shards comes from their summed buckets: histogram_quantile of a sum by le.
            if (query.Contains("histogram_quantile", StringComparison.Ordinal))
            {
                Assert.Matches(@"histogram_quantile\([0-9.]+, sum by \(le(, phase)?\) \(rate\(", query);
            }

            Assert.DoesNotContain("avg(", query, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheShardsServeThePortTheDashboardReads()
    {
        var job = Directory.GetFiles(Path.Combine(Peers.RepoRoot, "deploy", "k8s"), "*.yaml").SelectMany(f => KubernetesYaml.LoadAllFromString(System.IO.File.ReadAllText(f))).OfType<V1Job>().Single(j => j.Metadata.Name == "fleet-shards");
        var pod = job.Spec.Template;
        var c = pod.Spec.Containers.Single();
        Assert.Contains("--metrics-port=9464", c.Args);
        Assert.Contains(c.Ports, p => p.ContainerPort == 9464 && p.Name == "metrics");
        Assert.Equal("9464", pod.Metadata.Annotations["prometheus.io/port"]);
        Assert.Equal("true", pod.Metadata.Annotations["prometheus.io/scrape"]);
    }
}
