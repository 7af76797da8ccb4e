using System.Collections.Concurrent;
using System.Diagnostics;
using Simulator.Core.Metrics;

namespace Simulator.Core.Load;

/// <summary>
/// One outage as it happened: which devices lost their connection, how many attempts they made
/// coming back, and when each was connected again, counted from the moment the links came back.
/// Thread-safe.
/// </summary>
internal sealed class OutageRecord
{
    private readonly ConcurrentDictionary<int, int> _attempts = new();
    private readonly ConcurrentDictionary<int, double> _back = new();
    private readonly ConcurrentDictionary<int, byte> _followed = new();

    internal OutageRecord(int atSecond, double seconds, long linksBackAt)
    {
        AtSecond = atSecond;
        Seconds = seconds;
        LinksBackAt = linksBackAt;
    }

    /// <summary>The run's second in which the links went down.</summary>
    public int AtSecond { get; }

    public double Seconds { get; }

    /// <summary>When the links came back (a Stopwatch timestamp).</summary>
    public long LinksBackAt { get; }

    /// <summary>Devices that had a connection when their link went down.</summary>
    public int DevicesCut => _followed.Count;

    internal void Follow(int deviceIndex) => _followed.TryAdd(deviceIndex, 0);

    internal void Attempted(int deviceIndex)
    {
        if (_followed.ContainsKey(deviceIndex) && !_back.ContainsKey(deviceIndex))
        {
            _attempts.AddOrUpdate(deviceIndex, 1, static (_, n) => n + 1);
        }
    }

    internal void Back(int deviceIndex)
    {
        var now = Stopwatch.GetTimestamp();
        if (now >= LinksBackAt && _followed.ContainsKey(deviceIndex))
        {
            _back.TryAdd(deviceIndex, (now - LinksBackAt) * 1000.0 / Stopwatch.Frequency);
        }
    }

    /// <summary>What the record says at the end of the run; the connect rates come from the run's seconds.</summary>
    public OutageResult Result(IReadOnlyList<Metrics.SecondRow> rows)
    {
        var back = _back.Values.Order().ToArray();
        double? Time(double share) => DevicesCut == 0 ? 0 : back.Length >= Math.Ceiling(share * DevicesCut) ? back[(int)Math.Ceiling(share * DevicesCut) - 1] / 1000 : null;
        var after = rows.Where(r => r.Second > AtSecond).ToList();
        var peak = after.Count == 0 ? null : after.MaxBy(r => r.ConnectsOk / (double)r.Seconds);

        // The storm: from the cut to the second every cut device was back (or the run's end).
        var end = Time(1.0) is { } all ? AtSecond + (int)Math.Ceiling(Seconds + all) : int.MaxValue;
        var storm = rows.Where(r => r.Second + r.Seconds > AtSecond && r.Second <= end && r.Authorizer is not null).Select(r => r.Authorizer!.Value).ToList();
        var target = storm.Count == 0 ? (AuthorizerSample?)null : storm.Aggregate((a, b) => a.Join(b));
        return new OutageResult
        {
            AtSecond = AtSecond,
            Seconds = Seconds,
            DevicesCut = DevicesCut,
            Reconnected = back.Length,
            SecondsTo50 = Time(0.5),
            SecondsTo90 = Time(0.9),
            SecondsTo100 = Time(1.0),
            AttemptsPerDevice = DevicesCut == 0 ? 0 : _attempts.Values.Sum() / (double)DevicesCut,
            PeakConnectRate = peak is null ? 0 : peak.ConnectsOk / (double)peak.Seconds,
            PeakSecond = peak?.Second,
            StormEndSecond = end == int.MaxValue ? null : end,
            Target = target,
        };
    }
}
