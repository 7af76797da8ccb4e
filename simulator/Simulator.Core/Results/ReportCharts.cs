using Simulator.Core.Metrics;

namespace Simulator.Core.Results;

/// <summary>
/// The charts of a run, one code for report.html and the live dashboard: the rows as chart series
/// (a coarsened row's counts per second), the canvases, and the script that draws them and adds
/// points as seconds arrive.
/// </summary>
internal static class ReportCharts
{
    /// <summary>
    /// <c>line(d, id, sets)</c> draws one chart over the series object <c>d</c>; <c>drawCharts(d)</c> draws
    /// them all and counts them in <c>body[data-charts-rendered]</c>; <c>appendPoint(charts, d, p)</c> adds
    /// one row's point (the same keys, one value each) and redraws.
    /// </summary>
    public const string Script = """
        function line(d, id, sets) {
          const canvas = document.getElementById(id);
          if (!canvas) return null;
          if (typeof Chart === 'undefined') { canvas.replaceWith(Object.assign(document.createElement('p'), {textContent: 'Charts unavailable: the chart library was not embedded; see timeseries.csv.'})); return null; }
          // A canvas with data-from and data-to draws only those seconds (a storm's window).
          const lo = canvas.dataset.from === undefined ? 0 : d.t.findIndex(t => t >= Number(canvas.dataset.from));
          const hi = canvas.dataset.to === undefined ? d.t.length : d.t.findIndex(t => t > Number(canvas.dataset.to));
          const cut = a => canvas.dataset.from === undefined ? a : a.slice(Math.max(lo, 0), hi < 0 ? a.length : hi);
          return new Chart(canvas, { type: 'line', data: { labels: cut(d.t), datasets: sets.map(([label, key, color]) => ({ label, data: cut(d[key]), borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 1.5 })) },
            options: { animation: false, responsive: true, interaction: { mode: 'index', intersect: false }, scales: { x: { title: { display: true, text: 'second' } } } } });
        }
        function drawCharts(d) {
          const charts = [
            line(d, 'connections', [['target', 'target', '#999'], ['connected', 'connected', '#2a9d8f'], ['connecting', 'connecting', '#e9c46a'], ['backing off', 'backingOff', '#f4a261'], ['given up', 'givenUp', '#e63946'], ['asleep', 'sleeping', '#8d99ae']]),
            line(d, 'latency', [['p50', 'p50', '#264653'], ['p99', 'p99', '#e76f51']]),
            line(d, 'throughput', [['connects', 'connects', '#2a9d8f'], ['publishes', 'publishes', '#264653'], ['PUBACKs', 'pubAcks', '#8ab17d'], ['own messages received', 'received', '#e9c46a'], ['wakes', 'wakes', '#8d99ae']]),
            line(d, 'errors', [['failed attempts', 'failed', '#e63946'], ['dropped sessions', 'drops', '#f4a261']]),
            line(d, 'generator', [['process CPU %', 'cpu', '#264653'], ['machine CPU %', 'machine', '#8ab17d'], ['scheduler lag p99 ms', 'lag', '#e76f51']]),
            line(d, 'runtime', [['thread-pool queue', 'queue', '#2a9d8f'], ['GC pause ms', 'gc', '#e9c46a']]),
            line(d, 'authorizer', [['connect invocations', 'authConnects', '#264653'], ['policy refreshes', 'authRefreshes', '#2a9d8f'], ['throttles', 'authThrottles', '#e63946'], ['cold starts', 'authCold', '#f4a261'], ['in flight', 'authInFlight', '#999'], ['Connect.Throttle', 'connectThrottles', '#9b2226'], ['Connect.ClientIDThrottle', 'clientIdThrottles', '#bb3e03']]),
            ...[...document.querySelectorAll('canvas.storm')].map(c => line(d, c.id, [['connected', 'connected', '#2a9d8f'], ['connects /s', 'connects', '#264653'], ['failed attempts /s', 'failed', '#e63946'], ['Connect.Throttle /s', 'connectThrottles', '#9b2226'], ['authorizer in flight', 'authInFlight', '#999']])),
          ].filter(c => c !== null);
          document.body.dataset.chartsRendered = String(charts.length);
          return charts;
        }
        function appendPoint(charts, d, p) {
          for (const key of Object.keys(d)) d[key].push(p[key] === undefined ? null : p[key][0]);
          for (const c of charts) c.update('none');
        }
        """;

    /// <summary>
    /// The charts' canvases; the authorizer's only where the target's authorizer is measured (the
    /// embedded gateway); one per reconnect storm, over its seconds, where <paramref name="storms"/> gives them.
    /// </summary>
    public static string Canvases(bool authorizer, IReadOnlyList<(int From, int To)>? storms = null) => $"""
        <div class="grid">
        <div><h2>Connections</h2><canvas id="connections"></canvas></div>
        <div><h2>Connect latency (ms)</h2><canvas id="latency"></canvas></div>
        <div><h2>Throughput (per second)</h2><canvas id="throughput"></canvas></div>
        <div><h2>Errors (per second)</h2><canvas id="errors"></canvas></div>
        <div><h2>Load generator: CPU (% of cores) and scheduler lag p99 (ms)</h2><canvas id="generator"></canvas></div>
        <div><h2>Load generator: thread-pool queue and GC pause (ms)</h2><canvas id="runtime"></canvas></div>
        {(authorizer ? "<div><h2>Target authorizer (embedded gateway, per second)</h2><canvas id=\"authorizer\"></canvas></div>" : string.Empty)}
        {string.Concat((storms ?? []).Select((s, i) => $"<div><h2>Reconnect storm after the outage at second {s.From}</h2><canvas class=\"storm\" id=\"storm-{i}\" data-from=\"{s.From - 5}\" data-to=\"{s.To + 5}\"></canvas></div>"))}
        </div>
        """;

    /// <summary>The rows as the charts' series, as JSON: <c>t</c> the second, then one array per figure.</summary>
    public static string Json(IReadOnlyList<SecondRow> rows) => Summary.SummaryJson.WriteChartSeries(Series(rows));

    public static Dictionary<string, double?[]> Series(IReadOnlyList<SecondRow> rows)
    {
        double?[] Series(Func<SecondRow, double> f) => [.. rows.Select(x => f(x) is var v && double.IsNaN(v) ? (double?)null : Math.Round(v, 3))];

        // A row of a coarsened history covers more than a second: its counts are shown per second.
        double?[] Rate(Func<SecondRow, double> f) => Series(x => f(x) / x.Seconds);
        return new Dictionary<string, double?[]>
        {
            ["t"] = Series(x => x.Second),
            ["target"] = Series(x => x.Target),
            ["devices"] = Series(x => x.Devices),
            ["connected"] = Series(x => x.Connected),
            ["connecting"] = Series(x => x.Connecting),
            ["backingOff"] = Series(x => x.BackingOff),
            ["givenUp"] = Series(x => x.GivenUp),
            ["p50"] = Series(x => x.ConnectP50Ms),
            ["p99"] = Series(x => x.ConnectP99Ms),
            ["connects"] = Rate(x => x.ConnectsOk),
            ["publishes"] = Rate(x => x.Publishes),
            ["pubAcks"] = Rate(x => x.PubAcks),
            ["received"] = Rate(x => x.Received),
            ["failed"] = Rate(x => x.ConnectsFailed),
            ["drops"] = Rate(x => x.Drops),
            ["cpu"] = Series(x => x.Health.CpuPercent),
            ["machine"] = Series(x => x.Health.MachineCpuPercent ?? double.NaN),
            ["lag"] = Series(x => x.Health.SchedulerLagP99Ms),
            ["queue"] = Series(x => x.Health.ThreadPoolQueue),
            ["gc"] = Series(x => x.Health.GcPauseMs),
            ["authConnects"] = Rate(x => x.Authorizer is { } a ? a.Invocations - a.Refreshes : double.NaN),
            ["authRefreshes"] = Rate(x => x.Authorizer?.Refreshes ?? double.NaN),
            ["authThrottles"] = Rate(x => x.Authorizer?.Throttles ?? double.NaN),
            ["authCold"] = Rate(x => x.Authorizer?.ColdStarts ?? double.NaN),
            ["authInFlight"] = Series(x => x.Authorizer?.InFlight ?? double.NaN),
            ["connectThrottles"] = Rate(x => x.Authorizer?.ConnectThrottles ?? double.NaN),
            ["clientIdThrottles"] = Rate(x => x.Authorizer?.ClientIdThrottles ?? double.NaN),
            ["sleeping"] = Series(x => x.Sleeping),
            ["wakes"] = Rate(x => x.Wakes),
        };
    }
}
