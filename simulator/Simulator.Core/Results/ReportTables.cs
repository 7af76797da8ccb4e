using System.Globalization;
using Simulator.Core.Histograms;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Results.Summary;

namespace Simulator.Core.Results;

/// <summary>The report's tables, built from the summary alone; report.md and report.html show the same ones.</summary>
internal static class ReportTables
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The report's tables, shared by report.md and report.html.</summary>
    public static List<ReportSection> Build(RunReport r, RunSummary s)
    {
        var g = s.Generator;
        var sections = new List<ReportSection>
        {
            new("Run", ["item", "value"],
            [
                ["started", s.StartedAt.ToString("u", Inv)],
                ["duration", $"{s.DurationSeconds:F1} s"],
                ["commit", s.GitCommit],
                ["machine", $"{s.Machine.Cores} cores, {s.Machine.Os}, .NET {s.Machine.Dotnet}"],
                ["target", $"{Name(r.Profile.Target.Kind)}{(r.EmbeddedGateway ? " (in this process)" : string.Empty)}"],
                ["transport / tokens", $"{Name(r.Profile.Transport.Kind)} (TLS: {s.Tls}{(r.Profile.Device.MqttVersion == Mqtt.MqttVersion.V500 ? ", MQTT 5" : string.Empty)}) / {Name(r.Profile.Token.Source)}, QoS {r.Profile.Device.Qos}"],
                ["arrivals", Name(r.Profile.Arrivals)],
            ]),
            new("Devices and attempts", ["item", "value"],
            [
                ["fleet / planned peak", $"{s.Devices.Fleet} / {s.Devices.Planned}"],
                ["peak connected / at end of last hold", $"{s.Devices.PeakConnected} / {s.Devices.ConnectedAtLastHold}"],
                ["attempts: connected / failed / interrupted by stop", $"{s.Successes} / {s.Failed} / {s.Interrupted}"],
                ["error rate", s.ErrorRate.ToString("P3", Inv)],
                ["publishes / PUBACKs / own messages back", $"{s.Publishes} / {s.PubAcks} / {s.Received}"],
            ]),
            new("Accounting", ["check", "value"],
            [
                ["every device accounted for, every second and at the end", s.Accounting.Holds ? "yes" : "**NO**"],
                ["seconds a check failed", s.Accounting.BrokenSeconds.ToString(Inv)],
                ["devices started / ended / crashed / not stopped", $"{s.Devices.Started} / {s.Devices.Ended} / {s.Devices.Crashed} / {s.Devices.NotStopped}"],
                ["attempts opened / ended with an outcome", $"{s.AttemptsStarted} / {s.AttemptsStarted - s.Accounting.AttemptsInFlightAtEnd}"],
                ["arrivals planned / started", $"{s.Accounting.ArrivalsPlanned} / {s.Accounting.ArrivalsStarted}"],
                ["problem", s.Accounting.Problem ?? "none"],
            ]),
        };

        if (s.Shards is { } shards)
        {
            sections.Add(new("Shards", ["shard", "verdict", "devices", "connected / failed", "accounting", "generator", "CPU max", "start skew"],
                [.. shards.Select(x => new[]
                {
                    x.Shard, x.Verdict, x.Devices.ToString(Inv), $"{x.Successes} / {x.Failed}", x.AccountingHolds ? "holds" : "**BROKE**",
                    x.GeneratorSaturated ? $"**saturated {x.GeneratorSaturatedSeconds} s**" : "healthy", $"{x.CpuPercentMax:F0} %",
                    x.StartSkewMs is { } skew ? $"{skew:F0} ms" : "-",
                })])
            {
                Note = "Merged exactly: counters summed, histograms added bucket by bucket, seconds aligned on the wall clock. Each shard's generator health is its own machine's; the merged health rows take the worst shard each second.",
            });
        }

        var h = r.Outcome.Health;
        sections.Add(new("Load generator health", ["figure", "value"],
        [
            ["saturated", g.Saturated ? $"**YES**, {g.SaturatedSeconds} s" : "no"],
            ["process CPU (% of all cores) p50 / max", h.Count == 0 ? "-" : $"{g.CpuPercentP50:F0} / {g.CpuPercentMax:F0}"],
            ["machine CPU (all processes) p50 / max", h.Count == 0 ? "-" : $"{g.MachineCpuPercentP50:F0} / {g.MachineCpuPercentMax:F0}"],
            ["scheduler lag p99, worst second", h.Count == 0 ? "-" : $"{g.SchedulerLagP99MsMax:F1} ms"],
            ["arrival schedule lag p99", $"{g.ScheduleLagP99Ms:F2} ms"],
            ["thread-pool queue, max", h.Count == 0 ? "-" : g.ThreadPoolQueueMax.ToString(Inv)],
            ["GC pauses, total", $"{g.GcPauseMsTotal:F0} ms"],
            ["open files, max / limit", h.Count == 0 ? "-" : $"{g.OpenFilesMax} / {g.OpenFileLimit?.ToString(Inv) ?? "?"}"],
            ["working set, max", h.Count == 0 ? "-" : $"{g.WorkingSetMaxBytes / 1048576.0:F0} MB"],
        ])
        { Note = g.EmbeddedGatewayInProcess ? "The embedded gateway runs in this process: its work is in these figures." : null });

        var latency = new List<string[]>();
        foreach (var (phase, _, hist) in s.Histograms.All())
        {
            if (hist.Count > 0)
            {
                latency.Add([phase.ToString(), hist.Count.ToString(Inv), F(hist.P50Ms), F(hist.P90Ms), F(hist.P99Ms), F(hist.P999Ms), F(hist.MaxMs)]);
            }
        }

        sections.Add(new("Latency (ms)", ["phase", "count", "p50", "p90", "p99", "p99.9", "max"], latency)
        {
            Note = $"Connect counts from when the attempt was due (planned arrival or end of backoff), so generator lag shows instead of hiding. Values are within {LatencyHistogram.RelativeError.ToString("P1", Inv)} (HdrHistogram, 2 significant digits).",
        });

        if (s.Steps is { Count: > 0 } steps)
        {
            sections.Add(new("Scenario steps (ms)", ["step", "ok", "failed", "failures", "p50", "p90", "p99", "max"],
                [.. steps.Select(kv => new[]
                {
                    kv.Key, kv.Value.Ok.ToString(Inv), kv.Value.Failed == 0 ? "0" : $"**{kv.Value.Failed}**",
                    kv.Value.Failures.Count == 0 ? "-" : string.Join(", ", kv.Value.Failures.Select(f => $"{f.Key} {f.Value}")),
                    F(kv.Value.Latency.P50Ms), F(kv.Value.Latency.P90Ms), F(kv.Value.Latency.P99Ms), F(kv.Value.Latency.MaxMs),
                })])
            {
                Note = "Each run of a named step, ok or failed: a failed run's time is in the percentiles too (a timeout shows as its wait).",
            });
        }

        if (s.Consumers is { } c)
        {
            var delivery = s.Histograms.Delivery;
            sections.Add(new("Backend consumers", ["consumers", "filter", "received", "lost", "loss rate", "duplicates", "unknown", "dropped connections", "delivery p50 / p99 / max (ms)"],
                [[
                    c.Count.ToString(Inv), c.Topic, c.Received.ToString(Inv), c.Lost == 0 ? "0" : $"**{c.Lost}**", c.LossRate.ToString("P3", Inv),
                    c.Duplicates == 0 ? "0" : $"**{c.Duplicates}**", c.Unknown.ToString(Inv), c.DroppedConnections == 0 ? "0" : $"**{c.DroppedConnections}**",
                    $"{F(delivery.P50Ms)} / {F(delivery.P99Ms)} / {F(delivery.MaxMs)}",
                ]])
            {
                Note = "Each message is known by its device (the {id} in its topic) and its body among the device's last 64: lost is a message the device had its PUBACK for (or sent, at QoS 0) that no consumer got within its next 64 messages or by the run's end. Delivery counts from the device's PUBLISH.",
            });
        }

        if (s.Commands is { } cmd)
        {
            var commandLatency = s.Histograms.Command;
            sections.Add(new("Cloud-to-device commands", ["rate", "topic", "sent", "received", "missed", "miss rate", "latency p50 / p99 / max (ms)"],
                [[
                    $"{cmd.RatePerSecond:0.##}/s", cmd.Topic, cmd.Sent.ToString(Inv), cmd.Received.ToString(Inv), cmd.Missed == 0 ? "0" : $"**{cmd.Missed}**", cmd.MissRate.ToString("P3", Inv),
                    $"{F(commandLatency.P50Ms)} / {F(commandLatency.P99Ms)} / {F(commandLatency.MaxMs)}",
                ]])
            {
                Note = "Each command goes to the next connected device in turn, until the last hold ends; its latency runs from the backend's PUBLISH to the device's receipt, through the device's link (under eDRX, its paging). A command whose device's session ended before it arrived is missed, as AWS drops it for a device without a persistent session.",
            });
        }

        if (s.Outages is { Count: > 0 } outages)
        {
            static string Sec(double? v) => v is { } x ? $"{x:F1} s" : "never";
            sections.Add(new("Outages and reconnect storms", ["outage at second", "down", "devices cut / back", "to 50 % / 90 % / 100 %", "attempts per device", "peak connects/s (second)", "target: Connect.Throttle / ClientIDThrottle", "authorizer: peak in flight / throttles / cold starts"],
                [.. outages.Select(o => new[]
                {
                    o.AtSecond.ToString(Inv), $"{o.Seconds:F0} s", $"{o.DevicesCut} / {(o.Reconnected < o.DevicesCut ? $"**{o.Reconnected}**" : o.Reconnected.ToString(Inv))}",
                    $"{Sec(o.SecondsTo50)} / {Sec(o.SecondsTo90)} / {Sec(o.SecondsTo100)}", o.AttemptsPerDevice.ToString("F2", Inv),
                    $"{o.PeakConnectRate:F0} ({o.PeakSecond?.ToString(Inv) ?? "-"})",
                    o.Target is { } t ? $"{t.ConnectThrottle} / {t.ConnectClientIdThrottle}" : "-",
                    o.Target is { } u ? $"{u.AuthorizerPeakConcurrency} / {u.AuthorizerThrottles} / {u.AuthorizerColdStarts}" : "-",
                })])
            {
                Note = "Times count from the links' return. The target's figures cover the storm, from the cut to the second every cut device was back; against a real target they are in CloudWatch.",
            });
        }

        if (s.DutyCycle is { } d)
        {
            sections.Add(new("Duty cycle", ["figure", "value"],
            [
                ["mode / wake interval", $"{d.Mode} / {d.WakeIntervalSeconds:F0} s"],
                ["device-hours", d.DeviceHours.ToString("F2", Inv)],
                ["wakes (per device-hour)", $"{d.Wakes} ({d.WakesPerDeviceHour:F2})"],
                ["connects per device-hour", d.ConnectsPerDeviceHour.ToString("F2", Inv)],
                ["authorizer invocations (per device-hour)", d.AuthorizerInvocations is { } n ? $"{n} ({d.AuthorizerInvocationsPerDeviceHour:F2})" : "- (not the embedded target)"],
                ["invocations per wake", d.InvocationsPerWake?.ToString("F3", Inv) ?? "-"],
                ["downlinks missed", d.DownlinksMissed.ToString(Inv)],
            ])
            {
                Note = "Against AWS IoT Core each connect is one custom-authorizer invocation: connects per device-hour is what the Lambda will see per device.",
            });
        }

        var failures = s.Failures.Keys.Union(s.Drops.Keys).Order(StringComparer.Ordinal)
            .Select(k => new[] { k, s.Failures.GetValueOrDefault(k).ToString(Inv), s.Drops.GetValueOrDefault(k).ToString(Inv) }).ToList();
        if (failures.Count == 0)
        {
            failures.Add(["none", "0", "0"]);
        }

        sections.Add(new("Failures", ["class", "failed attempts", "dropped sessions"], failures));
        if (s.DropsByLastAction.Count > 0)
        {
            sections.Add(new("Dropped sessions by what the client last sent", ["drop", "count"], [.. s.DropsByLastAction.OrderBy(k => k.Key, StringComparer.Ordinal).Select(kv => new[] { kv.Key, kv.Value.ToString(Inv) })]));
        }

        if (s.Unexpected.Count > 0)
        {
            sections.Add(new("Unexpected exceptions (first message of each)", ["class", "message"], [.. s.Unexpected.OrderBy(k => k.Key, StringComparer.Ordinal).Select(kv => new[] { kv.Key, kv.Value.Replace("|", "\\|", StringComparison.Ordinal) })]));
        }

        if (s.Thresholds.Count > 0)
        {
            sections.Add(new(s.ThresholdsDefaulted ? "Thresholds (the defaults: the profile sets none)" : "Thresholds", ["threshold", "limit", "actual", "result"], [.. s.Thresholds.Select(t => new[] { t.Name, t.Limit.ToString(Inv), t.Actual.ToString("F3", Inv), t.Passed ? "pass" : "FAIL" })]));
        }

        return sections;
    }

    private static string F(double v) => v.ToString("F2", Inv);

    private static string Name<T>(T value)
        where T : struct, Enum => ProfileEnumConverter<T>.ToName(value);
}
