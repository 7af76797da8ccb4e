namespace Simulator.Tests.Architecture.Planted.High;

/// <summary>A planted upper layer: it may use the lower one.</summary>
internal sealed class PlantedEngine
{
    public Low.PlantedBuffer Buffer { get; } = new();
}
