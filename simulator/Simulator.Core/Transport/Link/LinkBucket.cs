namespace Simulator.Core.Transport.Link;

/// <summary>
/// One direction's bottleneck, as a token bucket in Stopwatch ticks of transmission time: a packet
/// leaves once the bucket holds its cost, and the bucket refills at the link's rate up to its
/// depth. With no depth (a radio link's case) each packet leaves after its own transmission time,
/// behind the packets before it; with the depth of a shaper such as <c>tc tbf</c>'s burst, the
/// first bytes after a pause leave at once, as they do there. Not thread-safe: its owner locks.
/// </summary>
internal struct LinkBucket
{
    private long _tokens;
    private long _updatedAt;
    private long _lastLeft;
    private bool _started;

    /// <summary>When a packet costing <paramref name="cost"/> ticks, offered at <paramref name="now"/>, has left the bottleneck.</summary>
    public long Leave(long now, long cost, long depth)
    {
        var at = Math.Max(now, _lastLeft);
        _tokens = _started ? Math.Min(depth, _tokens + (at - _updatedAt)) : depth;
        _started = true;
        _updatedAt = at;
        long left;
        if (_tokens >= cost && cost > 0 && depth > 0)
        {
            _tokens -= cost;
            left = at;
        }
        else
        {
            left = at + Math.Max(0, cost - _tokens);
            _tokens = 0;
            _updatedAt = left;
        }

        _lastLeft = left;
        return left;
    }
}
