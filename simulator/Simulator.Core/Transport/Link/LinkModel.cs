using System.Diagnostics;

namespace Simulator.Core.Transport.Link;

/// <summary>
/// One device's link: its <see cref="LinkProfile"/>, its own place in the fleet's spread of round
/// trips, and the shared timer its holds run on. Thread-safe; each connection gets its own
/// <see cref="LinkConnection"/>.
/// The round trip is log-normal. Its spread, sigma = ln(p99 / p50) / z(0.99), is split between
/// devices and packets: a device's median is the profile's times exp(N(0, sigma/2)), fixed by its
/// index, and each packet draws around that with the rest (sigma × √¾), so the fleet's packets
/// together keep the profile's median and 99th percentile. A packet's one-way delay is half a draw.
/// </summary>
internal sealed class LinkModel
{
    private const double Z99 = 2.3263478740408408;

    /// <summary>Linux's least retransmission timeout (TCP_RTO_MIN, 200 ms); a loss costs that plus the device's round trip.</summary>
    private const double RtoFloorMs = 200;

    /// <summary>RFC 6298's initial timeout, for a lost SYN.</summary>
    private const double SynRtoMs = 1000;

    private const int SegmentBytes = 1448;

    /// <summary>What each TCP segment carries besides its payload over the radio: IPv4 (20), TCP (20) and its timestamps option (12). No header compression is assumed.</summary>
    internal const int HeaderBytes = 52;

    /// <summary>A SYN or SYN-ACK: headers with the MSS, SACK, timestamps and window-scale options.</summary>
    private const int SynBytes = 60;

    private readonly int _deviceIndex;
    private readonly double _packetSigma;
    private readonly double _deviceMedianMs;
    private readonly double _upTicksPerByte;
    private readonly double _downTicksPerByte;
    private readonly Lock _rates = new();
    private readonly HashSet<LinkConnection> _open = [];
    private LinkBucket _up;
    private LinkBucket _down;
    private long _downUntil;
    private long _lastActive;
    private long _pagingOffset;
    private LinkPaging? _paging;

    public LinkModel(LinkProfile profile, ITimerQueue timers, int deviceIndex)
    {
        Profile = profile;
        Timers = timers;
        _deviceIndex = deviceIndex;
        var sigma = profile.RttP99Ms > profile.RttP50Ms && profile.RttP50Ms > 0 ? Math.Log(profile.RttP99Ms / profile.RttP50Ms) / Z99 : 0;
        _packetSigma = sigma * Math.Sqrt(0.75);
        _deviceMedianMs = profile.RttP50Ms * Math.Exp(sigma / 2 * DeviceNormal(deviceIndex));
        _upTicksPerByte = TicksPerByte(profile.UplinkKbps);
        _downTicksPerByte = TicksPerByte(profile.DownlinkKbps);
        UpDepth = (long)(profile.BurstBytes * _upTicksPerByte);
        DownDepth = (long)(profile.BurstBytes * _downTicksPerByte);
    }

    /// <summary>Each way's bucket depth in ticks of transmission time (<see cref="LinkProfile.BurstBytes"/>).</summary>
    internal long UpDepth { get; }

    internal long DownDepth { get; }

    public LinkProfile Profile { get; }

    public ITimerQueue Timers { get; }

    /// <summary>eDRX on this link: downlink to an idle device waits for its next paging window; null: always reachable.</summary>
    public LinkPaging? Paging
    {
        get => _paging;
        init
        {
            _paging = value;
            _pagingOffset = value is null ? 0 : (long)(DeviceUniform(_deviceIndex) * value.CycleTicks);
        }
    }

    /// <summary>This device's median round trip, ms.</summary>
    public double DeviceMedianMs => _deviceMedianMs;

    /// <summary>A fresh connection's state over this link.</summary>
    public LinkConnection Open() => new(this);

    /// <summary>True while the radio is down (an outage): nothing goes either way and the device does not try to connect.</summary>
    public bool IsDown => Stopwatch.GetTimestamp() < Volatile.Read(ref _downUntil);

    /// <summary>When the radio comes back (a Stopwatch timestamp); in the past when it is up.</summary>
    public long DownUntil => Volatile.Read(ref _downUntil);

    /// <summary>Whether the device has a connection open or opening over this link.</summary>
    public bool HasConnections
    {
        get
        {
            lock (_rates)
            {
                return _open.Count > 0;
            }
        }
    }

    /// <summary>
    /// The radio goes down until <paramref name="untilTimestamp"/>: every connection over it is cut as
    /// a dead radio cuts it. The device's modem reports the loss, so the device learns at once; the
    /// server hears nothing (no FIN) and finds out by its keep-alive or by a takeover.
    /// </summary>
    public void GoDown(long untilTimestamp)
    {
        LinkConnection[] cut;
        lock (_rates)
        {
            _downUntil = Math.Max(_downUntil, untilTimestamp);
            cut = [.. _open];
        }

        foreach (var connection in cut)
        {
            connection.Sever();
        }
    }

    internal void Opened(LinkConnection connection)
    {
        lock (_rates)
        {
            _open.Add(connection);
        }
    }

    internal void Closed(LinkConnection connection)
    {
        lock (_rates)
        {
            _open.Remove(connection);
        }
    }

    /// <summary>When <paramref name="bytes"/> sent at <paramref name="now"/> have left the device's uplink: its rate is the device's, shared by all its connections.</summary>
    internal long LeaveUp(long now, int bytes)
    {
        lock (_rates)
        {
            _lastActive = Math.Max(_lastActive, now); // the device's own send connects its radio
            return _up.Leave(now, UpTicks(bytes), UpDepth);
        }
    }

    /// <summary>
    /// When downlink bytes that reached the network at <paramref name="came"/> can start down to the
    /// device: at once while its radio is connected (within the inactivity time of its last traffic),
    /// else at its next paging window, after which it is connected again.
    /// </summary>
    internal long Reachable(long came)
    {
        if (_paging is not { } paging)
        {
            return came;
        }

        lock (_rates)
        {
            var at = came - _lastActive <= paging.InactivityTicks ? came : paging.NextWindow(came, _pagingOffset);
            _lastActive = Math.Max(_lastActive, at);
            return at;
        }
    }

    /// <summary>When <paramref name="bytes"/> that came in at <paramref name="came"/> have come down the device's downlink.</summary>
    internal long LeaveDown(long came, int bytes)
    {
        lock (_rates)
        {
            return _down.Leave(came, DownTicks(bytes), DownDepth);
        }
    }

    /// <summary>
    /// The pure ACKs that <paramref name="bytes"/> received cost the other way at <paramref name="at"/>:
    /// one per two segments (delayed ACK), at least one. They take their share of a slow link.
    /// </summary>
    internal void AckUp(long at, int bytes) => Ack(ref _up, at, bytes, _upTicksPerByte, UpDepth);

    internal void AckDown(long at, int bytes) => Ack(ref _down, at, bytes, _downTicksPerByte, DownDepth);

    private void Ack(ref LinkBucket bucket, long at, int bytes, double ticksPerByte, long depth)
    {
        if (ticksPerByte == 0 || bytes == 0)
        {
            return;
        }

        var acks = Math.Max(1, (bytes + (2 * SegmentBytes) - 1) / (2 * SegmentBytes));
        lock (_rates)
        {
            bucket.Leave(at, (long)(acks * HeaderBytes * ticksPerByte), depth);
        }
    }

    /// <summary>How long <paramref name="bytes"/> of payload take on the uplink, with their segments' headers (a FIN for 0 bytes).</summary>
    internal long UpTicks(int bytes) => (long)(OnTheAir(bytes) * _upTicksPerByte);

    internal long DownTicks(int bytes) => (long)(OnTheAir(bytes) * _downTicksPerByte);

    private static int OnTheAir(int bytes) => bytes + (Math.Max(1, (bytes + SegmentBytes - 1) / SegmentBytes) * HeaderBytes);

    /// <summary>One packet's one-way delay with the retransmissions its <paramref name="bytes"/> suffered, in Stopwatch ticks.</summary>
    internal long OneWayTicks(int bytes)
    {
        var ms = RoundTripMs() / 2;
        if (Profile.LossRate > 0)
        {
            var segments = Math.Max(1, (bytes + SegmentBytes - 1) / SegmentBytes);
            ms += Retransmissions(segments) * (RtoFloorMs + _deviceMedianMs);
        }

        return MsToTicks(ms);
    }

    /// <summary>The SYN's and SYN-ACK's trip: a round trip, their bytes at each way's rate, and 1 s, 2 s, … for each lost SYN.</summary>
    internal (long Out, long Back) SynTicks()
    {
        lock (_rates)
        {
            _lastActive = Math.Max(_lastActive, Stopwatch.GetTimestamp()); // the device's SYN connects its radio
        }

        var outMs = RoundTripMs() / 2;
        for (var rto = SynRtoMs; Profile.LossRate > 0 && Random.Shared.NextDouble() < Profile.LossRate && rto <= 8 * SynRtoMs; rto *= 2)
        {
            outMs += rto;
        }

        return (MsToTicks(outMs) + (long)(SynBytes * _upTicksPerByte), MsToTicks(RoundTripMs() / 2) + (long)(SynBytes * _downTicksPerByte));
    }

    private double RoundTripMs()
    {
        if (_packetSigma == 0)
        {
            return _deviceMedianMs;
        }

        return _deviceMedianMs * Math.Exp(_packetSigma * Normal(Random.Shared));
    }

    /// <summary>Segments lost at least once among <paramref name="segments"/>, a retransmission lost again counting again.</summary>
    private int Retransmissions(int segments)
    {
        var lost = 0;
        for (var i = 0; i < segments; i++)
        {
            while (Random.Shared.NextDouble() < Profile.LossRate && lost < 16)
            {
                lost++;
            }
        }

        return lost;
    }

    private static long MsToTicks(double ms) => (long)(ms * Stopwatch.Frequency / 1000);

    private static double TicksPerByte(double? kbps) => kbps is { } k && k > 0 ? 8.0 * Stopwatch.Frequency / (k * 1000) : 0;

    private static double Normal(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>A uniform draw in [0, 1) fixed by the device's index (its paging offset).</summary>
    private static double DeviceUniform(int deviceIndex)
    {
        var h = ((ulong)deviceIndex + 0x2545F4914F6CDD1DUL) * 0x9E3779B97F4A7C15UL;
        h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9UL;
        h = (h ^ (h >> 27)) * 0x94D049BB133111EBUL;
        h ^= h >> 31;
        return (h >> 11) / (double)(1UL << 53);
    }

    /// <summary>A standard normal fixed by the device's index, so a device keeps its place in the fleet across runs and shards.</summary>
    private static double DeviceNormal(int deviceIndex)
    {
        var h = (ulong)deviceIndex * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL;
        h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9UL;
        h = (h ^ (h >> 27)) * 0x94D049BB133111EBUL;
        h ^= h >> 31;
        var u1 = ((h >> 11) + 1) / (double)(1UL << 53);
        var u2 = ((h & 0x7FF) + 0.5) / 2048.0;
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
