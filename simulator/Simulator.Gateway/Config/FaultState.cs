namespace Simulator.Gateway.Config;

/// <summary>The faults in force now; a run or a test can change them while the gateway serves (a storm that clears).</summary>
public sealed class FaultState
{
    private volatile FaultOptions _current;
    private long _injected;

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

    /// <summary>Counts one injected fault. Thread-safe.</summary>
    public void CountInjected() => Interlocked.Increment(ref _injected);
}
