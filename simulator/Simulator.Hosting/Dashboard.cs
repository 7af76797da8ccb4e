using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Simulator.Core.Metrics;
using Simulator.Core.Results;

namespace Simulator.Hosting;

/// <summary>
/// <c>run --dashboard</c>: one page, updated each second over Server-Sent Events, with the report's
/// own charts (<see cref="ReportCharts"/>) and the second's figures. A browser that joins mid-run
/// first gets every second so far (the run's bounded history: past an hour, older seconds joined),
/// then each second as it closes, and at the end the verdict and where the report is. Over
/// <c>--workers</c> its seconds are the workers' combined ones; for <c>capacity --dashboard</c> the
/// seconds run on across the steps, and each judged step adds a point to the capacity report's
/// own charts (<see cref="CapacityCharts"/>).
/// </summary>
internal sealed class Dashboard : IAsyncDisposable
{
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(1);

    /// <summary>As the generator's health counts saturation: hot seconds in a row beyond these.</summary>
    private static readonly int HotSecondsAllowed = Core.Health.HealthTotals.HotSecondsAllowed;
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly SecondHistory _history = new();
    private readonly List<Channel<string>> _clients = [];
    private readonly List<Core.Capacity.CapacityStep> _steps = [];
    private readonly bool _capacity;
    private readonly string _page;
    private string? _last;
    private string? _verdict;

    private Dashboard(WebApplication app, string page, bool capacity)
    {
        _app = app;
        _page = page;
        _capacity = capacity;
    }

    /// <param name="at">Where the page listens.</param>
    /// <param name="profileName">The run's name, shown on the page.</param>
    /// <param name="planSeconds">The plan's length, shown on the page; a capacity search has none.</param>
    /// <param name="authorizer">Whether the target reports its authorizer (the embedded gateway): its charts are shown.</param>
    /// <param name="output">Where the page's address is printed.</param>
    /// <param name="capacity">A capacity search's page: its steps' charts above the seconds'.</param>
    public static async Task<Dashboard> StartAsync(IPEndPoint at, string profileName, double planSeconds, bool authorizer, TextWriter output, bool capacity = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(at, listen => listen.Protocols = HttpProtocols.Http1);
        });
        var app = builder.Build();
        var address = new Uri($"http://{(at.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{at.Address}]" : at.Address.ToString())}:{at.Port}/");
        var dashboard = new Dashboard(app, Page(profileName, planSeconds, authorizer, capacity), capacity);
        app.MapGet("/", () => Results.Content(dashboard._page, "text/html; charset=utf-8"));
        app.MapGet("/events", dashboard.EventsAsync);
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new Core.Errors.InputException($"the dashboard cannot listen on {at}: {e.Message}", field: "--dashboard");
        }

        if (!IPAddress.IsLoopback(at.Address))
        {
            await output.WriteLineAsync($"WARNING: the dashboard listens on {at}, not loopback: other machines can read this run's figures").ConfigureAwait(false);
        }

        await output.WriteLineAsync($"dashboard: {address}").ConfigureAwait(false);
        return dashboard;
    }

    /// <summary>A closed second: kept for browsers that join later, and sent to those watching.</summary>
    public void Publish(SecondRow row)
    {
        var live = Live(row);
        var message = $"data: {{\"point\":{ReportCharts.Json([row])},\"live\":{live}}}\n\n";
        lock (_gate)
        {
            _history.Add(row);
            _last = live;
            foreach (var client in _clients)
            {
                client.Writer.TryWrite(message);
            }
        }
    }

    /// <summary>A capacity step judged: a point on the steps' charts, kept for pages that open later.</summary>
    public void PublishStep(Core.Capacity.CapacityStep step)
    {
        var message = $"event: step\ndata: {CapacityCharts.Json([step])}\n\n";
        lock (_gate)
        {
            _steps.Add(step);
            foreach (var client in _clients)
            {
                client.Writer.TryWrite(message);
            }
        }
    }

    /// <summary>The run's end: the verdict and where its report is, to every page open now or later.</summary>
    public void Finish(string verdict, string? report)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("verdict", verdict);
            w.WriteString("report", report);
            w.WriteEndObject();
        }

        var message = $"event: verdict\ndata: {Encoding.UTF8.GetString(buffer.ToArray())}\n\n";
        lock (_gate)
        {
            _verdict = message;
            foreach (var client in _clients)
            {
                client.Writer.TryWrite(message);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Pages that are open get the verdict before the listener goes.
        if (_verdict is not null)
        {
            await Task.Delay(Linger).ConfigureAwait(false);
        }

        lock (_gate)
        {
            foreach (var client in _clients)
            {
                client.Writer.TryComplete();
            }
        }

        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            await _app.StopAsync(stop.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task EventsAsync(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(3600) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        string history;
        lock (_gate)
        {
            // The history and the subscription under one lock: no second is missed or sent twice.
            var steps = _capacity ? $",\"steps\":{CapacityCharts.Json(_steps)}" : string.Empty;
            history = $"event: history\ndata: {{\"series\":{ReportCharts.Json(_history.Rows)},\"live\":{_last ?? "null"}{steps}}}\n\n";
            _clients.Add(channel);
            if (_verdict is not null)
            {
                channel.Writer.TryWrite(_verdict);
            }
        }

        try
        {
            await context.Response.WriteAsync(history, context.RequestAborted).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            await foreach (var message in channel.Reader.ReadAllAsync(context.RequestAborted).ConfigureAwait(false))
            {
                await context.Response.WriteAsync(message, context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // the browser went away
        }
        finally
        {
            lock (_gate)
            {
                _clients.Remove(channel);
            }
        }
    }

    /// <summary>The second's figures as the page shows them, each in the element <c>live-KEY</c> (the charts' canvases have ids of their own).</summary>
    private static string Live(SecondRow row)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("second", row.Second);
            w.WriteString("phase", row.Phase);
            w.WriteNumber("target", row.Target);
            w.WriteNumber("connected", row.Connected);
            w.WriteNumber("connecting", row.Connecting);
            w.WriteNumber("backingOff", row.BackingOff);
            w.WriteNumber("givenUp", row.GivenUp);
            w.WriteNumber("sleeping", row.Sleeping);
            w.WriteNumber("connects", row.ConnectsOk);
            w.WriteNumber("failed", row.ConnectsFailed);
            w.WriteString("p50", Ms(row.ConnectP50Ms));
            w.WriteString("p99", Ms(row.ConnectP99Ms));
            w.WriteNumber("publishes", row.Publishes);
            w.WriteNumber("pubAcks", row.PubAcks);
            w.WriteNumber("drops", row.Drops);
            w.WriteNumber("consumers", row.ConsumersReceived);
            w.WriteNumber("commands", row.CommandsReceived);
            w.WriteString("steps", row.Steps.Count == 0 ? "-" : string.Join("; ", row.Steps.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}: {e.Value.Ok} ok, {e.Value.Failed} failed, p99 {Ms(e.Value.P99Ms)} ms")));
            w.WriteString("errors", row.ErrorsByClass.Count == 0 ? "none" : string.Join(", ", row.ErrorsByClass.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key} {e.Value}")));
            w.WriteNumber("cpu", row.Health.CpuPercent);
            w.WriteNumber("lag", row.Health.SchedulerLagP99Ms);
            w.WriteBoolean("hot", row.Health.Hot);
            w.WriteString("accounting", row.AccountingHolds ? "holds" : "BROKEN");
            w.WriteString("authorizer", row.Authorizer is { } a ? $"{a.Invocations - a.Refreshes} connects, {a.Refreshes} refreshes, {a.Throttles} throttles, {a.InFlight} in flight" : "-");
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Ms(double value) => double.IsNaN(value) ? "-" : value.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);

    private static string Page(string profileName, double planSeconds, bool authorizer, bool capacity)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var figures = new (string Id, string Name)[]
        {
            ("second", "second"), ("phase", "phase"), ("target", "target devices"), ("connected", "connected"), ("connecting", "connecting"),
            ("backingOff", "backing off"), ("givenUp", "given up"), ("sleeping", "asleep (duty cycle)"), ("connects", "connects this second"), ("failed", "failed this second"),
            ("p50", "connect p50 (ms)"), ("p99", "connect p99 (ms)"), ("publishes", "publishes"), ("pubAcks", "PUBACKs"), ("drops", "dropped sessions"),
            ("consumers", "messages backend consumers got"), ("commands", "commands devices got"), ("steps", "scenario steps this second"), ("errors", "errors this second"), ("cpu", "generator CPU (% of cores)"), ("lag", "scheduler lag p99 (ms)"), ("accounting", "accounting"),
            ("authorizer", "target authorizer this second"),
        };
        var table = string.Concat(figures.Select(f => $"<tr><th>{E(f.Name)}</th><td id=\"live-{f.Id}\">-</td></tr>"));
        return $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Live: {{E(profileName)}}</title>
            <style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px}canvas{max-height:300px}.grid{display:grid;grid-template-columns:1fr 1fr;gap:1.5rem}
            table{border-collapse:collapse;margin-bottom:1rem}th,td{border:1px solid #ddd;padding:.25rem .6rem;text-align:left}th{background:#f3f3f3;font-weight:normal}
            .warn{background:#fff3cd;border:1px solid #e0c060;padding:.6rem}.verdict-PASSED{color:#2a7d2a}.verdict-FAILED,.verdict-CANCELLED,.verdict-INCOMPLETE,.verdict-ABORTED{color:#b00020}</style>
            </head><body data-points="0">
            <h1>Live: {{E(profileName)}} — <span id="verdict">running</span></h1>
            <p>{{(capacity ? "Capacity search: each step's seconds below, each judged step a point on the curves." : $"Plan: {planSeconds:F0} s.")}} <span id="report"></span></p>
            <p class="warn" id="saturated" hidden><strong>The load generator is saturated:</strong> its CPU or scheduler lag has been over the limit for more than {{HotSecondsAllowed}} s in a row, so its latencies now describe this machine, not the target.</p>
            <p class="warn" id="disconnected" hidden>The run's event stream has stopped.</p>
            <table><tbody>{{table}}</tbody></table>
            {{(capacity ? CapacityCharts.Canvases : string.Empty)}}
            {{ReportCharts.Canvases(authorizer)}}
            <script>{{ChartLibrary.Script() ?? "/* the chart library was not embedded at build time (npm missing) */"}}</script>
            <script>
            {{ReportCharts.Script}}
            {{(capacity ? CapacityCharts.Script : string.Empty)}}
            window.addEventListener('error', e => { document.body.dataset.error = String(e.message); });
            let d = null, charts = [], hotRun = 0, sd = null, stepCharts = [];
            function show(live) {
              for (const [key, value] of Object.entries(live)) { const cell = document.getElementById('live-' + key); if (cell && key !== 'hot') cell.textContent = String(value); }
              document.body.dataset.lastSecond = String(live.second);
              hotRun = live.hot ? hotRun + 1 : 0;
              document.getElementById('saturated').hidden = hotRun <= {{HotSecondsAllowed}};
            }
            const events = new EventSource('events');
            events.addEventListener('history', e => {
              const m = JSON.parse(e.data);
              d = m.series; charts = drawCharts(d);
              document.body.dataset.points = String(d.t.length);
              if (m.steps) { sd = m.steps; stepCharts = capacityCharts(sd); document.body.dataset.steps = String(sd.rate.length); }
              if (m.live) show(m.live);
            });
            events.addEventListener('step', e => { if (sd) capacityStep(stepCharts, sd, JSON.parse(e.data)); });
            events.onmessage = e => {
              if (!d) return;
              const m = JSON.parse(e.data);
              appendPoint(charts, d, m.point);
              document.body.dataset.points = String(d.t.length);
              show(m.live);
            };
            events.addEventListener('verdict', e => {
              const m = JSON.parse(e.data);
              const v = document.getElementById('verdict');
              v.textContent = m.verdict; v.className = 'verdict-' + m.verdict.split(' ')[0];
              if (m.report) document.getElementById('report').textContent = 'Report: ' + m.report;
              document.body.dataset.verdict = m.verdict;
              events.close();
            });
            events.onerror = () => { if (!document.body.dataset.verdict) document.getElementById('disconnected').hidden = false; };
            </script>
            </body></html>
            """;
    }
}
