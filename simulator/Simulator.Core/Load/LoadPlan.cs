using Simulator.Core.Load.Profiles;

namespace Simulator.Core.Load;

/// <summary>
/// The phases as a function of time: how many devices should be running t seconds into the run,
/// and the open-model arrival and departure events that get there. A ramp's arrivals are due at
/// evenly spaced instants 1/rate apart, or (Poisson) at instants drawn uniformly over the ramp,
/// which is a Poisson process of that rate conditioned on the ramp's count.
/// </summary>
internal sealed class LoadPlan
{
    private readonly List<PlanSegment> _segments = [];

    public LoadPlan(IEnumerable<PhaseSettings> phases, int deviceLimit = int.MaxValue)
    {
        double t = 0, level = 0;
        foreach (var p in phases)
        {
            switch (p.Kind)
            {
                case PhaseKind.Ramp:
                case PhaseKind.RampDown:
                    var to = Math.Min(p.To ?? 0, deviceLimit);
                    var duration = Math.Abs(to - level) / p.Rate!.Value;
                    _segments.Add(new PlanSegment(t, duration, level, to, p.Kind, p.Rate.Value));
                    t += duration;
                    level = to;
                    break;
                case PhaseKind.Spike:
                    var spike = Math.Min(p.To!.Value, deviceLimit);
                    _segments.Add(new PlanSegment(t, p.Seconds!.Value, spike, spike, p.Kind, double.PositiveInfinity) { Before = level });
                    t += p.Seconds!.Value;
                    level = spike;
                    break;
                case PhaseKind.Arrivals:
                    // Visits come and go beside the standing fleet, whose level stays.
                    _segments.Add(new PlanSegment(t, p.Seconds!.Value, level, level, p.Kind, p.Rate!.Value));
                    t += p.Seconds!.Value;
                    break;
                default: // hold, pause, outage: the level stays
                    _segments.Add(new PlanSegment(t, p.Seconds!.Value, level, level, p.Kind, 0) { Share = p.Share ?? 1 });
                    t += p.Seconds!.Value;
                    break;
            }
        }

        TotalSeconds = t;
        // Visits overlap by their latency and session, which the plan does not know: at worst all of them, and never more than the fleet.
        PeakDevices = (int)Math.Min(deviceLimit, Math.Ceiling(_segments.Count == 0 ? 0 : _segments.Max(s => s.Kind == PhaseKind.Arrivals ? s.From + (s.Rate * s.Duration) : Math.Max(s.From, s.To))));
        var lastHold = _segments.FindLastIndex(s => s.Kind == PhaseKind.Hold);
        LastHoldEndSecond = lastHold < 0 ? null : _segments[lastHold].Start + _segments[lastHold].Duration;
    }

    public double TotalSeconds { get; }

    public int PeakDevices { get; }

    /// <summary>When the last hold ends (seconds into the run), where minConnectedShare is taken; null without a hold.</summary>
    public double? LastHoldEndSecond { get; }

    public IReadOnlyList<PlanSegment> Segments => _segments;

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

        return _segments.Count == 0 ? 0 : (int)_segments[^1].To;
    }

    /// <summary>The phase running at a time, for the console and the time series.</summary>
    public string PhaseAt(double seconds)
    {
        for (var i = 0; i < _segments.Count; i++)
        {
            if (seconds < _segments[i].Start + _segments[i].Duration)
            {
                return $"{i + 1}/{_segments.Count} {ProfileEnumConverter<PhaseKind>.ToName(_segments[i].Kind)}";
            }
        }

        return "done";
    }

    /// <summary>Visit instants: evenly 1/rate apart from the segment's start, or a Poisson process of that rate.</summary>
    private static IEnumerable<double> Visits(PlanSegment s, ArrivalMode mode, Random random)
    {
        var n = (int)Math.Round(s.Rate * s.Duration);
        if (mode == ArrivalMode.Poisson)
        {
            var times = new double[n];
            for (var k = 0; k < n; k++)
            {
                times[k] = s.Start + (random.NextDouble() * s.Duration);
            }

            Array.Sort(times);
            return times;
        }

        return Enumerable.Range(0, n).Select(k => s.Start + (k / s.Rate));
    }

    /// <summary>Every start (+1) and stop (−1) of the run, in time order, as seconds from its start.</summary>
    public IEnumerable<PlanEvent> Events(ArrivalMode mode, Random random)
    {
        double level = 0;
        foreach (var s in _segments)
        {
            if (s.Kind == PhaseKind.Arrivals)
            {
                foreach (var at in Visits(s, mode, random))
                {
                    yield return new PlanEvent(at, 1, Visit: true);
                }

                continue;
            }

            var delta = (int)Math.Round(s.To) - (int)Math.Round(level);
            level = s.To;
            if (delta == 0)
            {
                continue;
            }

            var sign = Math.Sign(delta);
            var n = Math.Abs(delta);
            if (s.Kind == PhaseKind.Spike || s.Duration <= 0)
            {
                for (var k = 0; k < n; k++)
                {
                    yield return new PlanEvent(s.Start, sign);
                }

                continue;
            }

            if (mode == ArrivalMode.Poisson && sign > 0)
            {
                var times = new double[n];
                for (var k = 0; k < n; k++)
                {
                    times[k] = s.Start + (random.NextDouble() * s.Duration);
                }

                Array.Sort(times);
                foreach (var at in times)
                {
                    yield return new PlanEvent(at, sign);
                }

                continue;
            }

            // Evenly spaced: the k-th of n arrivals is due at (k + 1) / rate, the last at the ramp's end.
            for (var k = 0; k < n; k++)
            {
                yield return new PlanEvent(s.Start + ((k + 1) / s.Rate), sign);
            }
        }
    }
}
