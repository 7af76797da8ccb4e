namespace Simulator.Gateway.Config;

/// <summary>The faults in force now; a run or a test can change them while the gateway serves (a storm that clears).</summary>
public sealed class FaultState
{
    private volatile FaultOptions _current;
    private long _injected;
    private long _deliveries;
    private long _deliveriesLost;

    public FaultState(FaultOptions initial)
    {
        _current = initial;
    }

    public FaultOptions Current
    {
        get => _current;
        set => _current = value;
    }

    /// <summary>How many faults were injected so far (a 503, an authorizer failure, a dropped connection), so that a storm can be cleared after it happened rather than after a guessed time.</summary>
    public long Injected => Interlocked.Read(ref _injected);

    /// <summary>Deliveries not sent by <see cref="FaultOptions.DeliveryLossEvery"/>.</summary>
    public long DeliveriesLost => Interlocked.Read(ref _deliveriesLost);

    /// <summary>One delivery to a subscriber: true when the fault in force loses it (counted). Thread-safe.</summary>
    public bool LoseDelivery()
    {
        var every = _current.DeliveryLossEvery;
        if (every <= 0 || Interlocked.Increment(ref _deliveries) % every != 0)
        {
            return false;
        }

        Interlocked.Increment(ref _deliveriesLost);
        CountInjected();
        return true;
    }

    /// <summary>Counts one injected fault. Thread-safe.</summary>
    public void CountInjected() => Interlocked.Increment(ref _injected);
}
