using Simulator.Core.Health;
using Simulator.Core.Histograms;

namespace Simulator.Core.Metrics;

/// <summary>
/// A run's seconds in bounded memory. Up to <see cref="Capacity"/> rows are kept one second each;
/// when the history fills, every pair of neighbours is joined into one row covering both, so a
/// row then covers 2 s, later 4 s, and so on: an hour is kept whole, a day at 32 s a row. Joined
/// rows lose nothing that a chart or a total needs: counts add up, the connect histograms are
/// merged (their percentiles are those of the joined span, never an average), states are the
/// span's last, and health is the span's worst second. The rows on disk (timeseries.csv) stay
/// one a second.
/// </summary>
internal sealed class SecondHistory
{
    public const int DefaultCapacity = 3600;

    private readonly List<SecondRow> _rows = [];
    private SecondRow? _pending;

    /// <param name="capacity">Rows kept before neighbours are joined; even, at least 2.</param>
    public SecondHistory(int capacity = DefaultCapacity)
    {
        if (capacity < 2 || capacity % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "an even number of rows, at least 2");
        }

        Capacity = capacity;
    }

    public int Capacity { get; }

    /// <summary>The seconds each row covers now.</summary>
    public int Width { get; private set; } = 1;

    /// <summary>Every second so far, oldest first; the last row may cover fewer seconds than <see cref="Width"/>.</summary>
    public IReadOnlyList<SecondRow> Rows => _pending is null ? [.. _rows] : [.. _rows, _pending];

    /// <summary>Adds the next second (or span) after the last one added.</summary>
    public void Add(SecondRow row)
    {
        _pending = _pending is null ? row : Join(_pending, row);
        if (_pending.Seconds < Width)
        {
            return;
        }

        _rows.Add(_pending);
        _pending = null;
        if (_rows.Count >= Capacity)
        {
            for (var i = 0; i < _rows.Count / 2; i++)
            {
                _rows[i] = Join(_rows[2 * i], _rows[(2 * i) + 1]);
            }

            _rows.RemoveRange(_rows.Count / 2, _rows.Count / 2);
            Width *= 2;
        }
    }

    /// <summary>Two neighbouring spans as one: flows summed, histograms merged, levels the later's, health the worse.</summary>
    public static SecondRow Join(SecondRow earlier, SecondRow later)
    {
        // Both into a histogram of the full range, as a merge of shards adds them: a decoded one keeps
        // only its own range. One side alone is kept as it is, and none costs nothing (a steady hold).
        var connect = (earlier.ConnectHistogram.Length, later.ConnectHistogram.Length) switch
        {
            (0, 0) => null,
            (_, 0) => (earlier.ConnectHistogram, earlier.ConnectP50Ms, earlier.ConnectP99Ms),
            (0, _) => (later.ConnectHistogram, later.ConnectP50Ms, later.ConnectP99Ms),
            _ => Merged(earlier.ConnectHistogram, later.ConnectHistogram),
        };
        var errors = new Dictionary<string, long>(earlier.ErrorsByClass, StringComparer.Ordinal);
        foreach (var (failureClass, n) in later.ErrorsByClass)
        {
            errors[failureClass] = errors.GetValueOrDefault(failureClass) + n;
        }

        var (a, b) = (earlier.Health, later.Health);
        var health = new HealthSample(
            Math.Max(a.CpuPercent, b.CpuPercent),
            a.MachineCpuPercent is null && b.MachineCpuPercent is null ? null : Math.Max(a.MachineCpuPercent ?? 0, b.MachineCpuPercent ?? 0),
            Math.Max(a.ThreadPoolQueue, b.ThreadPoolQueue),
            Math.Max(a.ThreadPoolThreads, b.ThreadPoolThreads),
            Math.Max(a.SchedulerLagP99Ms, b.SchedulerLagP99Ms),
            Math.Max(a.GcPauseMs, b.GcPauseMs),
            a.OpenFiles is null && b.OpenFiles is null ? null : Math.Max(a.OpenFiles ?? 0, b.OpenFiles ?? 0),
            b.OpenFileLimit ?? a.OpenFileLimit,
            Math.Max(a.WorkingSetBytes, b.WorkingSetBytes),
            a.Hot || b.Hot);
        return new SecondRow(
            earlier.Second, later.Phase, later.Target, later.Devices, later.Connecting, later.Connected, later.BackingOff, later.GivenUp,
            earlier.AccountingHolds && later.AccountingHolds, later.AttemptsInFlight,
            earlier.ConnectsOk + later.ConnectsOk, earlier.ConnectsFailed + later.ConnectsFailed, earlier.Publishes + later.Publishes,
            earlier.PubAcks + later.PubAcks, earlier.Received + later.Received, earlier.Drops + later.Drops,
            connect?.P50 ?? double.NaN, connect?.P99 ?? double.NaN,
            errors, health)
        {
            Seconds = earlier.Seconds + later.Seconds,
            UnixSecond = later.UnixSecond,
            Sleeping = later.Sleeping,
            Wakes = earlier.Wakes + later.Wakes,
            DownlinksMissed = earlier.DownlinksMissed + later.DownlinksMissed,
            ConnectHistogram = connect?.Encoded ?? string.Empty,
            Authorizer = Join(earlier.Authorizer, later.Authorizer),
            Steps = StepSecond.Sum([earlier.Steps, later.Steps]),
            ConsumersReceived = earlier.ConsumersReceived + later.ConsumersReceived,
            CommandsReceived = earlier.CommandsReceived + later.CommandsReceived,
        };
    }

    private static (string Encoded, double P50, double P99)? Merged(string a, string b)
    {
        var connect = new LatencyHistogram();
        connect.Merge(LatencyHistogram.FromCompressedBase64(a));
        connect.Merge(LatencyHistogram.FromCompressedBase64(b));
        return connect.Count == 0 ? null : (connect.ToCompressedBase64(), connect.Percentile(50) / 1000.0, connect.Percentile(99) / 1000.0);
    }

    private static AuthorizerSample? Join(AuthorizerSample? earlier, AuthorizerSample? later) => (earlier, later) switch
    {
        (null, null) => null,
        ({ } a, null) => a,
        (null, { } b) => b,
        ({ } a, { } b) => a.Join(b),
    };
}
