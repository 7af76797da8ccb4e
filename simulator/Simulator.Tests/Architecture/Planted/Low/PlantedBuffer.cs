namespace Simulator.Tests.Architecture.Planted.Low;

/// <summary>A planted lower layer with a back-edge to the upper one: the rules must name it.</summary>
internal sealed class PlantedBuffer
{
    public High.PlantedEngine? Owner { get; set; }
}
