using Simulator.Core.Load.Profiles;

namespace Simulator.Core.Load;

/// <summary>The phases as a function of time: how many devices should be running t seconds into the run.</summary>
public sealed class LoadPlan
{
    private readonly List<(double Start, double Duration, double From, double To, string Kind)> _segments = [];

    public LoadPlan(IEnumerable<PhaseSettings> phases)
    {
        double t = 0, level = 0;
        foreach (var p in phases)
        {
            switch (p.Kind)
            {
                case "ramp":
                case "rampDown":
                    var to = p.To ?? 0;
                    var duration = Math.Abs(to - level) / p.Rate!.Value;
                    _segments.Add((t, duration, level, to, p.Kind));
                    t += duration;
                    level = to;
                    break;
                case "spike":
                    _segments.Add((t, p.Seconds!.Value, p.To!.Value, p.To!.Value, p.Kind));
                    t += p.Seconds!.Value;
                    level = p.To!.Value;
                    break;
                default: // hold, pause: the level stays
                    _segments.Add((t, p.Seconds!.Value, level, level, p.Kind));
                    t += p.Seconds!.Value;
                    break;
            }
        }

        TotalSeconds = t;
        PeakDevices = (int)Math.Ceiling(_segments.Count == 0 ? 0 : _segments.Max(s => Math.Max(s.From, s.To)));
    }

    public double TotalSeconds { get; }

    public int PeakDevices { get; }

    public int TargetAt(double seconds)
    {
        foreach (var s in _segments)
        {
            if (seconds < s.Start + s.Duration)
            {
                var f = s.Duration <= 0 ? 1 : Math.Clamp((seconds - s.Start) / s.Duration, 0, 1);
                return (int)Math.Round(s.From + ((s.To - s.From) * f));
            }
        }

        return _segments.Count == 0 ? 0 : (int)s_last(_segments);

        static double s_last(List<(double Start, double Duration, double From, double To, string Kind)> segs) => segs[^1].To;
    }

    /// <summary>The phase running at a time, for the console and the time series.</summary>
    public string PhaseAt(double seconds)
    {
        for (var i = 0; i < _segments.Count; i++)
        {
            if (seconds < _segments[i].Start + _segments[i].Duration)
            {
                return $"{i + 1}/{_segments.Count} {_segments[i].Kind}";
            }
        }

        return "done";
    }
}
