using System.Globalization;
using Simulator.Core.Load;
using Simulator.Core.Metrics;
using Simulator.Core.Results;
using Spectre.Console;

namespace Simulator.Hosting;

/// <summary>
/// The run's console: reads the engine's per-second rows from its channel and prints phase,
/// devices by state, connect rate, p50/p99 connect, publishes per second and errors by class:
/// every second on a terminal, every five seconds (plain log lines) when output is redirected.
/// </summary>
internal static class ConsoleReporter
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task RunAsync(LoadEngine engine, RunSetup setup)
    {
        if (setup.Interactive)
        {
            await LiveAsync(engine).ConfigureAwait(false);
            return;
        }

        // A worker of `run --workers` streams every row to the parent's combined console instead.
        if (setup.WorkerRows)
        {
            await foreach (var row in engine.Rows.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                await setup.Out.WriteLineAsync(WorkerConsole.Marker + TimeseriesCsv.Line(row)).ConfigureAwait(false);
            }

            return;
        }

        await foreach (var row in engine.Rows.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (Shown(row))
            {
                await setup.Out.WriteLineAsync(Line(row)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Plain lines come every five seconds, and for every second with no devices due.</summary>
    public static bool Shown(SecondRow row) => row.Second % 5 == 0 || row.Target == 0;

    /// <summary>One second as a plain log line.</summary>
    public static string Line(SecondRow row)
    {
        var errors = row.ErrorsByClass.Count == 0 ? "-" : string.Join(' ', row.ErrorsByClass.Select(e => $"{e.Key}={e.Value}"));
        return string.Create(Inv, $"[{row.Second,4}s] {row.Phase,-12} target {row.Target,6} | connected {row.Connected,6} connecting {row.Connecting,5} backoff {row.BackingOff,4} gave up {row.GivenUp,4}{(row.Sleeping > 0 ? $" asleep {row.Sleeping,6}" : string.Empty)} | +{row.ConnectsOk,4}/s p50 {Ms(row.ConnectP50Ms),7} p99 {Ms(row.ConnectP99Ms),7} ms | pub {row.Publishes,5}/s | err {errors} | cpu {row.Health.CpuPercent,3:F0}% (machine {Machine(row.Health.MachineCpuPercent)}) lag {row.Health.SchedulerLagP99Ms,5:F1} ms{(row.Health.Hot ? " HOT" : string.Empty)}{(row.AccountingHolds ? string.Empty : " | ACCOUNTING BROKEN")}");
    }

    private static string Machine(double? percent) => percent is { } p ? p.ToString("F0", Inv).PadLeft(3) + "%" : "  ?";

    /// <summary>A Spectre.Console live table, refreshed every second, when the output is a terminal.</summary>
    private static async Task LiveAsync(LoadEngine engine)
    {
        var table = Table();
        var recent = new Queue<SecondRow>();
        Fill(table, engine.Plan, null, recent);
        await Spectre.Console.AnsiConsole.Live(table).StartAsync(async ctx =>
        {
            await foreach (var row in engine.Rows.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                recent.Enqueue(row);
                while (recent.Count > ConsoleProgress.TrendSeconds)
                {
                    recent.Dequeue();
                }

                Fill(table, engine.Plan, row, recent);
                ctx.Refresh();
            }
        }).ConfigureAwait(false);
    }

    /// <summary>Two columns, no header row: a name and its value.</summary>
    internal static Spectre.Console.Table Table() =>
        new Spectre.Console.Table { Border = Spectre.Console.TableBorder.Rounded }.AddColumns("", "").HideHeaders();

    /// <summary>The live table for one second: where the run stands, its trends, then the second's figures.</summary>
    internal static void Fill(Spectre.Console.Table table, LoadPlan plan, SecondRow? row, IReadOnlyCollection<SecondRow> recent)
    {
        table.Rows.Clear();
        if (row is null)
        {
            table.AddRow("plan", Spectre.Console.Markup.Escape(ConsoleProgress.Bar(0, plan.TotalSeconds)));
            table.AddRow("phase", "starting");
            return;
        }

        var last = recent.ToList();
        var errors = row.ErrorsByClass.Count == 0 ? "none" : string.Join(", ", row.ErrorsByClass.Select(e => $"{e.Key} {e.Value}"));
        table.AddRow("plan", Spectre.Console.Markup.Escape(ConsoleProgress.Bar(row.Second, plan.TotalSeconds)));
        table.AddRow("phase", Spectre.Console.Markup.Escape(ConsoleProgress.Phase(plan, row)));
        table.AddRow("connects/s, last minute", Spectre.Console.Markup.Escape(ConsoleProgress.Trend(last, r => r.ConnectsOk, "/s")));
        table.AddRow("connect p99, last minute", Spectre.Console.Markup.Escape(ConsoleProgress.Trend(last, r => r.ConnectP99Ms, " ms")));
        table.AddRow("target devices", row.Target.ToString(Inv));
        table.AddRow("[green]connected[/]", row.Connected.ToString(Inv));
        table.AddRow("connecting", row.Connecting.ToString(Inv));
        table.AddRow("[yellow]backing off[/]", row.BackingOff.ToString(Inv));
        table.AddRow("[red]given up[/]", row.GivenUp.ToString(Inv));
        if (row.Sleeping > 0)
        {
            table.AddRow("asleep (duty cycle)", row.Sleeping.ToString(Inv));
        }
        table.AddRow("connects/s", row.ConnectsOk.ToString(Inv));
        table.AddRow("connect p50 / p99", $"{Ms(row.ConnectP50Ms)} / {Ms(row.ConnectP99Ms)} ms");
        table.AddRow("publishes/s", row.Publishes.ToString(Inv));
        table.AddRow("errors this second", Spectre.Console.Markup.Escape(errors));
        table.AddRow("accounting", row.AccountingHolds ? "holds" : "[red]BROKEN[/]");
        table.AddRow("generator CPU / lag p99", string.Create(Inv, $"{row.Health.CpuPercent:F0}% of {Environment.ProcessorCount} cores / {row.Health.SchedulerLagP99Ms:F1} ms{(row.Health.Hot ? " [red]HOT[/]" : string.Empty)}"));
        table.AddRow("thread-pool queue / GC pause", string.Create(Inv, $"{row.Health.ThreadPoolQueue} / {row.Health.GcPauseMs:F0} ms"));
        table.AddRow("open files", string.Create(Inv, $"{row.Health.OpenFiles} of {row.Health.OpenFileLimit?.ToString(Inv) ?? "?"}"));
    }

    private static string Ms(double value) => double.IsNaN(value) ? "-" : value.ToString("F1", Inv);

    public static async Task PrintSummaryAsync(RunReport report, RunSetup setup)
    {
        var connect = report.Totals[Phase.Connect];
        var w = setup.Out;
        await w.WriteLineAsync().ConfigureAwait(false);
        await w.WriteLineAsync(string.Create(Inv, $"{ResultsWriter.VerdictWord(report)}: {report.Totals.Successes} of {report.Totals.Attempts} attempts connected (error rate {report.ErrorRate:P2}); peak {report.Outcome.PeakConnected} of {report.Outcome.PlannedDevices} devices connected, {report.Outcome.ConnectedAtLastHold}{(report.Profile.Device.Scenario == Core.Load.Profiles.ScenarioKind.DutyCycle ? " in service (connected, asleep or waking)" : string.Empty)} at the end of the last hold")).ConfigureAwait(false);
        if (report.Profile.Device.Scenario == Core.Load.Profiles.ScenarioKind.DutyCycle && Core.Results.DutyCycleFigures.Of(report) is { } duty)
        {
            await w.WriteLineAsync(string.Create(Inv, $"  duty cycle ({duty.Mode}, every {duty.WakeIntervalSeconds:F0} s): {duty.Wakes} wakes, {duty.ConnectsPerDeviceHour:F1} connects per device-hour{(duty.AuthorizerInvocations is { } n ? $", {n} authorizer invocations{(duty.InvocationsPerWake is { } per ? $" ({per:F3} per wake)" : string.Empty)}" : string.Empty)}{(duty.DownlinksMissed > 0 ? $", {duty.DownlinksMissed} downlinks missed" : string.Empty)}")).ConfigureAwait(false);
        }
        if (report.Outcome.Cancelled)
        {
            await w.WriteLineAsync("  cancelled: the run was stopped before its plan ended; results are written but judge nothing").ConfigureAwait(false);
        }

        if (!report.AnyConnected && !report.Outcome.Cancelled && report.Aborted is null)
        {
            await w.WriteLineAsync("  FAILED: no attempt connected; whatever the thresholds say, the target was not reached").ConfigureAwait(false);
        }

        if (report.Verdict == RunVerdict.Unjudged)
        {
            await w.WriteLineAsync("  no thresholds: the profile's thresholds section is empty, so nothing was judged").ConfigureAwait(false);
        }

        if (report.GeneratorWarning is { } warning)
        {
            await w.WriteLineAsync("  WARNING: " + warning).ConfigureAwait(false);
        }

        await w.WriteLineAsync(report.AccountingHolds
            ? string.Create(Inv, $"  accounting: every device accounted for ({report.Outcome.FinalCensus?.DevicesStarted} started, {report.Outcome.FinalCensus?.AttemptsStarted} attempts, each ended with an outcome)")
            : $"  ACCOUNTING BROKE: {report.Outcome.AccountingProblem}").ConfigureAwait(false);
        await w.WriteLineAsync(string.Create(Inv, $"connect p50 {RunReport.Ms(connect, 50):F1} ms, p99 {RunReport.Ms(connect, 99):F1} ms; PUBACK p99 {RunReport.Ms(report.Totals[Phase.PubAck], 99):F1} ms; {report.Totals.Publishes} publishes, {report.Totals.Received} own messages back")).ConfigureAwait(false);
        foreach (var (name, count) in report.Totals.Failures.OrderByDescending(kv => kv.Value))
        {
            await w.WriteLineAsync($"  failed attempts {name}: {count}").ConfigureAwait(false);
        }

        if (report.Totals.Commands is { } cmd)
        {
            var latency = report.Totals[Phase.Command];
            await w.WriteLineAsync(string.Create(Inv, $"  commands: {cmd.Sent} sent, {cmd.Received} received, {cmd.Missed} missed ({cmd.MissRate:P3}); latency p50 {latency.Percentile(50) / 1000.0:F1} ms, p99 {latency.Percentile(99) / 1000.0:F1} ms")).ConfigureAwait(false);
        }

        if (report.Totals.Consumers is { } c)
        {
            var delivery = report.Totals[Phase.Delivery];
            await w.WriteLineAsync(string.Create(Inv, $"  consumers: {c.Received} received, {c.Lost} lost ({c.LossRate:P3}), {c.Duplicates} duplicates, {c.Unknown} unknown; delivery p50 {delivery.Percentile(50) / 1000.0:F1} ms, p99 {delivery.Percentile(99) / 1000.0:F1} ms")).ConfigureAwait(false);
        }

        foreach (var (name, step) in report.Totals.Steps.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            await w.WriteLineAsync(string.Create(Inv, $"  step {name}: {step.Ok} ok, {step.Failed} failed{(step.Failures.Count == 0 ? string.Empty : " (" + string.Join(", ", step.Failures.Select(f => $"{f.Key} {f.Value}")) + ")")}; p50 {step.Latency.Percentile(50) / 1000.0:F1} ms, p99 {step.Latency.Percentile(99) / 1000.0:F1} ms")).ConfigureAwait(false);
        }

        foreach (var (name, count) in report.Totals.Drops.OrderByDescending(kv => kv.Value))
        {
            await w.WriteLineAsync($"  dropped sessions {name}: {count}").ConfigureAwait(false);
        }

        foreach (var o in report.Outcome.Outages)
        {
            static string At(double? seconds) => seconds is { } v ? string.Create(Inv, $"{v:F1} s") : "never";
            await w.WriteLineAsync(string.Create(Inv, $"  outage at second {o.AtSecond} for {o.Seconds:0.#} s: {o.DevicesCut} devices cut, {o.Reconnected} back; 50 % back in {At(o.SecondsTo50)}, 90 % in {At(o.SecondsTo90)}, all in {At(o.SecondsTo100)} (from the links' return); {o.AttemptsPerDevice:F2} attempts each; peak {o.PeakConnectRate:0.#} connects/s at second {o.PeakSecond}")).ConfigureAwait(false);
        }

        foreach (var t in report.Thresholds)
        {
            await w.WriteLineAsync(string.Create(Inv, $"  threshold {t.Name}: {t.Actual:F3} vs {t.Limit} {(t.Passed ? "ok" : "BREACHED")}{(report.ThresholdsDefaulted ? " (default)" : string.Empty)}")).ConfigureAwait(false);
        }

        if (!ChartLibrary.Available)
        {
            await w.WriteLineAsync("  note: report.html has no charts: the chart library was not embedded at build time (npm missing)").ConfigureAwait(false);
        }

        await w.WriteLineAsync($"report: {Path.Combine(setup.ResultsDirectory ?? ".", "report.html")} (summary.json, timeseries.csv, report.md beside it)").ConfigureAwait(false);
    }
}
