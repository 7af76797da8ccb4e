using System.Globalization;
using Simulator.Core.Capacity;

namespace Simulator.Core.Results;

/// <summary>
/// The capacity search's four charts against the offered rate (offered vs achieved, latency,
/// errors, generator CPU), one code for the capacity report and for <c>capacity --dashboard</c>,
/// which adds each step as it is judged.
/// </summary>
internal static class CapacityCharts
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// <c>capacityCharts(d)</c> draws the charts from the series (<see cref="Json"/>);
    /// <c>capacityStep(charts, d, s)</c> adds one step's point (the same keys, one value each) in
    /// the order of its offered rate, and redraws.
    /// </summary>
    public const string Script = """
        function capacityCharts(d) {
          const charts = [];
          function xy(id, sets) {
            const canvas = document.getElementById(id);
            if (!canvas) return;
            if (typeof Chart === 'undefined') { canvas.replaceWith(Object.assign(document.createElement('p'), {textContent: 'Charts unavailable: see steps.csv.'})); return; }
            charts.push(new Chart(canvas, { type: 'line', data: { datasets: sets.map(([label, key, color]) => ({ label, key, data: d.rate.map((x, i) => ({ x, y: d[key][i] })), borderColor: color, backgroundColor: color, pointRadius: 3, borderWidth: 1.5 })) },
              options: { animation: false, responsive: true, scales: { x: { type: 'linear', title: { display: true, text: 'offered connects/s' } } } } }));
          }
          xy('rates', [['offered', 'rate', '#999'], ['achieved', 'achieved', '#2a9d8f']]);
          xy('capacity-latency', [['p50', 'p50', '#264653'], ['p99', 'p99', '#e76f51']]);
          xy('capacity-errors', [['errors %', 'errors', '#e63946']]);
          xy('cpu', [['process CPU % peak', 'cpu', '#264653']]);
          document.body.dataset.capacityCharts = String(charts.length);
          return charts;
        }
        function capacityStep(charts, d, s) {
          const at = d.rate.findIndex(r => r > s.rate[0]);
          const i = at < 0 ? d.rate.length : at;
          for (const key of Object.keys(d)) d[key].splice(i, 0, s[key][0]);
          for (const c of charts) { for (const set of c.data.datasets) set.data = d.rate.map((x, j) => ({ x, y: d[set.key][j] })); c.update('none'); }
          document.body.dataset.steps = String(d.rate.length);
        }
        """;

    /// <summary>The charts' canvases.</summary>
    public const string Canvases = """
        <div class="grid">
        <div><h2>Offered vs achieved (connects/s)</h2><canvas id="rates"></canvas></div>
        <div><h2>Connect latency against rate (ms)</h2><canvas id="capacity-latency"></canvas></div>
        <div><h2>Errors against rate (%)</h2><canvas id="capacity-errors"></canvas></div>
        <div><h2>Generator CPU peak against rate (%)</h2><canvas id="cpu"></canvas></div>
        </div>
        """;

    /// <summary>The steps as the charts' series, in the order of their offered rate: <c>rate</c>, then one array per figure.</summary>
    public static string Json(IEnumerable<CapacityStep> steps)
    {
        var ordered = steps.OrderBy(s => s.OfferedPerSecond).ToList();
        string Series(Func<CapacityStep, double> f) => "[" + string.Join(',', ordered.Select(s => double.IsNaN(f(s)) ? "null" : f(s).ToString("0.###", Inv))) + "]";
        return $"{{\"rate\":{Series(s => s.OfferedPerSecond)},\"achieved\":{Series(s => s.AchievedPerSecond)},\"p50\":{Series(s => s.ConnectP50Ms)},\"p99\":{Series(s => s.ConnectP99Ms)},\"errors\":{Series(s => s.ErrorRate * 100)},\"cpu\":{Series(s => s.GeneratorCpuPeakPercent)}}}";
    }
}
