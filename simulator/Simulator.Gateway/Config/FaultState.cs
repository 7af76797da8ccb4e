namespace Simulator.Gateway.Config;

/// <summary>The faults in force now; a run or a test can change them while the gateway serves (a storm that clears).</summary>
public sealed class FaultState
{
    private volatile FaultOptions _current;

    public FaultState(FaultOptions initial)
    {
        _current = initial;
    }

    public FaultOptions Current
    {
        get => _current;
        set => _current = value;
    }
}
