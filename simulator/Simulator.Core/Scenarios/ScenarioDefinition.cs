namespace Simulator.Core.Scenarios;

/// <summary>A scenario made by <see cref="Scenario.Create"/>: its name and its device session. Immutable; one serves a whole run.</summary>
public sealed class ScenarioDefinition
{
    internal ScenarioDefinition(string name, Func<DeviceContext, Task> session)
    {
        Name = name;
        Session = session;
    }

    /// <summary>The scenario's name, as the results show it.</summary>
    public string Name { get; }

    /// <summary>How long after it starts each device makes its first attempt: a uniform draw below this; zero: at once.</summary>
    public TimeSpan StartSpread { get; private init; }

    internal Func<DeviceContext, Task> Session { get; }

    /// <summary>
    /// The same scenario with each device's first attempt delayed by a uniform draw below
    /// <paramref name="window"/> after it starts, counted asleep meanwhile, as a fleet's firmware
    /// timers spread its first wakes (a fleet switched on together does not wake in lockstep).
    /// </summary>
    public ScenarioDefinition WithStartSpread(TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.Zero);
        return new ScenarioDefinition(Name, Session) { StartSpread = window };
    }
}
