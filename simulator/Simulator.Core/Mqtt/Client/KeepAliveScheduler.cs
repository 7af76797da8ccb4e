using System.Buffers;
using System.Diagnostics;

namespace Simulator.Core.Mqtt.Client;

/// <summary>
/// One timer for every connection's keep-alive (§3.1.2.10) and ack timeout, not one per
/// connection: four times a second it ticks the connections whose next check is due; a tick
/// sends PINGREQ to a connection idle for the interval, fails one whose PINGRESP or ack is late,
/// and says when that connection next needs a look.
/// The registry is a plain array with swap-remove, and beside it an array of due times, so a
/// scan reads 8 bytes per connection and touches only the few that are due. Profiled over a
/// 10,000-connection hold: a ConcurrentDictionary walk was 6 % of the client's CPU, an array walk
/// that ticked every connection still 7–8 % of the samples (a cache miss or more per connection).
/// </summary>
internal static class KeepAliveScheduler
{
    private const int PeriodMs = 250;
    private static readonly Lock Gate = new();
    private static readonly Timer Tick = new(static _ => Scan(), null, PeriodMs, PeriodMs);
    private static MqttClientConnection?[] _slots = new MqttClientConnection?[256];
    private static long[] _due = new long[256]; // Stopwatch timestamps, per slot
    private static int _count;

    public static int Count
    {
        get
        {
            lock (Gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Registers the connection, checked at the next scan.</summary>
    public static void Register(MqttClientConnection connection)
    {
        GC.KeepAlive(Tick);
        lock (Gate)
        {
            if (connection.KeepAliveSlot >= 0)
            {
                return;
            }

            if (_count == _slots.Length)
            {
                Array.Resize(ref _slots, _count * 2);
                Array.Resize(ref _due, _count * 2);
            }

            _slots[_count] = connection;
            _due[_count] = 0;
            connection.KeepAliveSlot = _count++;
        }
    }

    public static void Unregister(MqttClientConnection connection)
    {
        lock (Gate)
        {
            var slot = connection.KeepAliveSlot;
            if (slot < 0)
            {
                return;
            }

            var last = _slots[--_count]!;
            _slots[slot] = last;
            _due[slot] = _due[_count];
            last.KeepAliveSlot = slot;
            _slots[_count] = null;
            connection.KeepAliveSlot = -1;
        }
    }

    /// <summary>Makes sure the connection is ticked at <paramref name="timestamp"/> or earlier (a new ack's deadline); no-op when not registered.</summary>
    public static void CheckBy(MqttClientConnection connection, long timestamp)
    {
        lock (Gate)
        {
            var slot = connection.KeepAliveSlot;
            if (slot >= 0 && timestamp < _due[slot])
            {
                _due[slot] = timestamp;
            }
        }
    }

    private static void Scan()
    {
        var now = Stopwatch.GetTimestamp();

        // Ticked outside the lock: a tick may end its connection (which unregisters it) and run
        // what awaited it. A taken slot waits at "never" until its tick says when; a deadline
        // lowered meanwhile (CheckBy) is kept, since the tick only ever lowers it again.
        MqttClientConnection?[]? due = null;
        var n = 0;
        lock (Gate)
        {
            var times = _due.AsSpan(0, _count);
            for (var i = 0; i < times.Length; i++)
            {
                if (times[i] <= now)
                {
                    due ??= ArrayPool<MqttClientConnection?>.Shared.Rent(times.Length - i); // room for every slot left
                    due[n++] = _slots[i];
                    times[i] = long.MaxValue;
                }
            }
        }

        if (due is null)
        {
            return;
        }

        try
        {
            for (var i = 0; i < n; i++)
            {
                var connection = due[i]!;
                CheckBy(connection, connection.OnKeepAliveTick(now));
            }
        }
        finally
        {
            Array.Clear(due, 0, n); // the pool must not keep connections alive
            ArrayPool<MqttClientConnection?>.Shared.Return(due);
        }
    }
}
