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

    internal Func<DeviceContext, Task> Session { get; }
}
