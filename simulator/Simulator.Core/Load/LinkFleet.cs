using System.Collections.Concurrent;
using System.Diagnostics;
using Simulator.Core.Identity;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Transport.Link;

namespace Simulator.Core.Load;

/// <summary>
/// The fleet's radio links, one per device, kept across its sessions; and the outages the plan
/// puts on them. A device has a link when the profile gives it one or when the plan has an outage
/// (then a link of no delay and no rate, which only an outage changes). Thread-safe.
/// </summary>
internal sealed class LinkFleet
{
    private readonly LinkProfile? _profile;
    private readonly ITimerQueue _timers;
    private readonly LinkPaging? _paging;
    private readonly ConcurrentDictionary<int, LinkModel> _links = new();
    private readonly List<OutageRecord> _outages = [];
    private readonly Lock _gate = new();
    private int _count;

    /// <param name="paging">eDRX paging on every device's downlink; a device then has a link even at loopback speed.</param>
    public LinkFleet(LinkSettings settings, bool outages, ITimerQueue timers, LinkPaging? paging = null)
    {
        _profile = settings.Resolve() ?? (outages || paging is not null ? new LinkProfile(0, 0) : null);
        _timers = timers;
        _paging = paging;
    }

    /// <summary>The fleet's links as the options ask: their profile, the plan's outages, an eDRX duty cycle's paging.</summary>
    public static LinkFleet For(RunOptions options, ITimerQueue timers)
    {
        var duty = options.Device.DutyCycle;
        var paging = options.Device.Scenario == ScenarioKind.DutyCycle && duty.Mode == DutyCycleMode.Edrx ? new LinkPaging(duty.EdrxSeconds, duty.PagingWindowSeconds, duty.InactivitySeconds) : null;
        return new LinkFleet(options.Device.Link, options.Phases.Any(p => p.Kind == PhaseKind.Outage), timers, paging);
    }

    /// <summary>The device's link, null at loopback speed with no outage planned.</summary>
    public LinkModel? For(int deviceIndex) => _profile is null ? null : _links.GetOrAdd(deviceIndex, static (i, f) => new LinkModel(f._profile!, f._timers, i) { Paging = f._paging }, this);

    /// <summary>The outages so far, in order.</summary>
    public IReadOnlyList<OutageRecord> Outages
    {
        get
        {
            lock (_gate)
            {
                return [.. _outages];
            }
        }
    }

    /// <summary>
    /// Takes the links of the first <paramref name="share"/> of <paramref name="devices"/> (a sector
    /// of the lowest indices) down for <paramref name="seconds"/>; the devices with a connection open
    /// are the ones whose reconnection the record follows.
    /// </summary>
    public OutageRecord Cut(IReadOnlyList<DeviceIdentity> devices, double share, double seconds, int atSecond)
    {
        var now = Stopwatch.GetTimestamp();
        var until = now + (long)(seconds * Stopwatch.Frequency);
        var record = new OutageRecord(atSecond, seconds, until);
        var count = (int)Math.Ceiling(share * devices.Count);
        foreach (var device in devices.OrderBy(d => d.Index).Take(count))
        {
            var link = For(device.Index);
            if (link is null)
            {
                continue;
            }

            if (link.HasConnections)
            {
                record.Follow(device.Index);
            }

            link.GoDown(until);
        }

        lock (_gate)
        {
            _outages.Add(record);
            Volatile.Write(ref _count, _outages.Count);
        }

        return record;
    }

    /// <summary>A device started an attempt: counted against the outage it is coming back from.</summary>
    public void Attempted(int deviceIndex)
    {
        if (Volatile.Read(ref _count) == 0)
        {
            return; // no outage yet: nothing to follow, and no copy of the list per attempt
        }

        foreach (var outage in Outages)
        {
            outage.Attempted(deviceIndex);
        }
    }

    /// <summary>A device connected (its CONNACK came): it is back from any outage it was cut in.</summary>
    public void Connected(int deviceIndex)
    {
        if (Volatile.Read(ref _count) == 0)
        {
            return;
        }

        foreach (var outage in Outages)
        {
            outage.Back(deviceIndex);
        }
    }
}
