namespace Simulator.Core.Health;

/// <summary>
/// The generator's health over a run, taken a second at a time in constant memory: the medians
/// (from 0.1 % buckets, the resolution a sample is rounded to, so they equal the sorted samples'),
/// maxima, sums, and the level each figure held for longer than
/// <see cref="GeneratorHealth.HotSecondsAllowed"/> seconds in a row.
/// </summary>
internal sealed class HealthTotals
{
    /// <summary>Percent in tenths, up to 200 % (a process's CPU read over a short second can pass 100 % of the cores).</summary>
    private const int Buckets = 2001;

    private static readonly int Window = GeneratorHealth.HotSecondsAllowed + 1;
    private readonly int[] _cpu = new int[Buckets];
    private readonly int[] _machine = new int[Buckets];
    private readonly double[] _cpuWindow = new double[Window];
    private readonly double[] _lagWindow = new double[Window];
    private double _sustainedCpu = double.MinValue;
    private double _sustainedLag = double.MinValue;

    /// <summary>Hot seconds in a row the generator may have before it counts as saturated.</summary>
    public static int HotSecondsAllowed => GeneratorHealth.HotSecondsAllowed;

    public int Count { get; private set; }

    public double CpuPercentMax { get; private set; }

    /// <summary>Null when no second could read the machine's CPU.</summary>
    public double? MachineCpuPercentMax { get; private set; }

    public double SchedulerLagP99MsMax { get; private set; }

    public long ThreadPoolQueueMax { get; private set; }

    public double GcPauseMsTotal { get; private set; }

    public double GcPauseMsMax { get; private set; }

    public long OpenFilesMax { get; private set; }

    public long? OpenFileLimit { get; private set; }

    public long WorkingSetMaxBytes { get; private set; }

    public int HotSeconds { get; private set; }

    /// <summary>The upper median of the seconds' process CPU, as sorting them would give it.</summary>
    public double CpuPercentP50 => Median(_cpu);

    /// <summary>The upper median of the seconds' machine CPU, a second that could not read it counted as 0.</summary>
    public double MachineCpuPercentP50 => Median(_machine);

    /// <summary>The highest process CPU held for more than the allowed hot seconds in a row: the max over windows of their min.</summary>
    public double SustainedCpuPercent => Count < Window ? 0 : _sustainedCpu;

    /// <summary>The same for the scheduler lag p99.</summary>
    public double SustainedSchedulerLagMs => Count < Window ? 0 : _sustainedLag;

    public static HealthTotals Of(IEnumerable<HealthSample> samples)
    {
        var totals = new HealthTotals();
        foreach (var s in samples)
        {
            totals.Add(s);
        }

        return totals;
    }

    public void Add(HealthSample s)
    {
        if (Count == 0)
        {
            OpenFileLimit = s.OpenFileLimit;
        }

        _cpu[Bucket(s.CpuPercent)]++;
        _machine[Bucket(s.MachineCpuPercent ?? 0)]++;
        CpuPercentMax = Count == 0 ? s.CpuPercent : Math.Max(CpuPercentMax, s.CpuPercent);
        if (s.MachineCpuPercent is { } m)
        {
            MachineCpuPercentMax = MachineCpuPercentMax is { } max ? Math.Max(max, m) : m;
        }

        SchedulerLagP99MsMax = Count == 0 ? s.SchedulerLagP99Ms : Math.Max(SchedulerLagP99MsMax, s.SchedulerLagP99Ms);
        ThreadPoolQueueMax = Count == 0 ? s.ThreadPoolQueue : Math.Max(ThreadPoolQueueMax, s.ThreadPoolQueue);
        GcPauseMsTotal += s.GcPauseMs;
        GcPauseMsMax = Count == 0 ? s.GcPauseMs : Math.Max(GcPauseMsMax, s.GcPauseMs);
        OpenFilesMax = Math.Max(OpenFilesMax, s.OpenFiles ?? 0);
        WorkingSetMaxBytes = Count == 0 ? s.WorkingSetBytes : Math.Max(WorkingSetMaxBytes, s.WorkingSetBytes);
        HotSeconds += s.Hot ? 1 : 0;
        _cpuWindow[Count % Window] = s.CpuPercent;
        _lagWindow[Count % Window] = s.SchedulerLagP99Ms;
        Count++;
        if (Count >= Window)
        {
            _sustainedCpu = Math.Max(_sustainedCpu, _cpuWindow.Min());
            _sustainedLag = Math.Max(_sustainedLag, _lagWindow.Min());
        }
    }

    private static int Bucket(double percent) => (int)Math.Clamp(Math.Round(percent * 10, MidpointRounding.AwayFromZero), 0, Buckets - 1);

    private double Median(int[] buckets)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = Count / 2; // the element sorting would put at [n / 2]
        var seen = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            seen += buckets[i];
            if (seen > rank)
            {
                return i / 10.0;
            }
        }

        return (Buckets - 1) / 10.0;
    }
}
