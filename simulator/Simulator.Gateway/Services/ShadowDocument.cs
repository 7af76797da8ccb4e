using System.Text.Json.Nodes;

namespace Simulator.Gateway.Services;

/// <summary>One shadow's state: desired and reported, each leaf's last-update time, its version. Guarded by its own lock (<see cref="Gate"/>).</summary>
internal sealed class ShadowDocument
{
    public Lock Gate { get; } = new();

    public JsonObject Desired { get; set; } = [];

    public JsonObject Reported { get; set; } = [];

    public JsonObject DesiredMetadata { get; set; } = [];

    public JsonObject ReportedMetadata { get; set; } = [];

    public long Version { get; set; }

    /// <summary>False once deleted: the next update starts it again at the next version (AWS keeps counting).</summary>
    public bool Exists { get; set; }
}
