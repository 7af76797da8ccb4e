using System.Globalization;
using System.Text;
using Simulator.Core.Metrics;

namespace Simulator.Core.Results;

/// <summary>
/// timeseries.csv, a row per second (a row covers <c>seconds</c>, 1 unless a long run's coarsened
/// history had to be written whole): streamed as each second closes, read back by
/// <see cref="TimeseriesReader"/> for a merge, and streamed line by line from workers to the
/// combined console of <c>run --workers</c>.
/// </summary>
internal static class TimeseriesCsv
{
    public const string Header = "second,phase,target,devices,connecting,connected,backingOff,givenUp,accountingHolds,attemptsInFlight,connectsOk,connectsFailed,publishes,pubAcks,received,drops,connectP50Ms,connectP99Ms,errors,cpuPercent,machineCpuPercent,threadPoolQueue,schedulerLagP99Ms,gcPauseMs,openFiles,workingSetMB,generatorHot,unixSecond,authorizerInvocations,authorizerRefreshes,authorizerThrottles,authorizerColdStarts,authorizerTimeouts,authorizerInFlight,connectHistogram,seconds,sleeping,wakes,downlinksMissed,targetConnectThrottles,targetClientIdThrottles,stepsOk,stepsFailed,consumersReceived,commandsReceived";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Write(IEnumerable<SecondRow> rows)
    {
        var sb = new StringBuilder(Header).Append('\n');
        foreach (var row in rows)
        {
            Append(sb, row);
            sb.Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>One row, without its line end.</summary>
    public static string Line(SecondRow row) => Append(new StringBuilder(), row).ToString();

    private static StringBuilder Append(StringBuilder sb, SecondRow row)
    {
        var h = row.Health;
        sb.Append(Inv, $"{row.Second},\"{row.Phase}\",{row.Target},{row.Devices},{row.Connecting},{row.Connected},{row.BackingOff},{row.GivenUp},{(row.AccountingHolds ? "true" : "false")},{row.AttemptsInFlight},{row.ConnectsOk},{row.ConnectsFailed},{row.Publishes},{row.PubAcks},{row.Received},{row.Drops},{Csv(row.ConnectP50Ms)},{Csv(row.ConnectP99Ms)},\"{string.Join(';', row.ErrorsByClass.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}:{e.Value}"))}\",");
        sb.Append(Inv, $"{h.CpuPercent:F1},{h.MachineCpuPercent:F1},{h.ThreadPoolQueue},{h.SchedulerLagP99Ms:F2},{h.GcPauseMs:F2},{h.OpenFiles},{h.WorkingSetBytes / 1048576.0:F1},{(h.Hot ? "true" : "false")},{row.UnixSecond},");
        if (row.Authorizer is { } a)
        {
            sb.Append(Inv, $"{a.Invocations - a.Refreshes},{a.Refreshes},{a.Throttles},{a.ColdStarts},{a.Timeouts},{a.InFlight},");
        }
        else
        {
            sb.Append(",,,,,,");
        }

        return sb.Append(row.ConnectHistogram).Append(',').Append(row.Seconds.ToString(Inv)).Append(Inv, $",{row.Sleeping},{row.Wakes},{row.DownlinksMissed},{row.Authorizer?.ConnectThrottles},{row.Authorizer?.ClientIdThrottles},")
            .Append('"').Append(Pairs(row.Steps, s => s.Ok)).Append("\",\"").Append(Pairs(row.Steps, s => s.Failed)).Append('"')
            .Append(Inv, $",{row.ConsumersReceived},{row.CommandsReceived}");
    }

    /// <summary>"name:count;…" of the steps that ended in the second, as errors are written (step names hold no ':' or ';').</summary>
    private static string Pairs(IReadOnlyDictionary<string, StepSecond> steps, Func<StepSecond, long> count) =>
        string.Join(';', steps.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}:{count(s.Value).ToString(Inv)}"));

    private static string Csv(double value) => double.IsNaN(value) ? string.Empty : value.ToString("F3", Inv);
}
