using System.Text.Json.Nodes;
using Simulator.Core.Errors;
using Simulator.Core.Load.Profiles;

namespace Simulator.Core.Results;

/// <summary>A profile read back from a results file, for its thresholds and names.</summary>
internal static class WrittenProfile
{
    /// <summary>
    /// The seed was written as its fingerprint, so a placeholder stands in (no keys are derived
    /// from it here), and the shard as one whole.
    /// </summary>
    public static RunProfile Parse(JsonNode written, string file, string field)
    {
        var node = written.DeepClone().AsObject();
        if (node["fleet"] is not JsonObject fleet)
        {
            throw new InputException("has no fleet", file, field: field + ".fleet");
        }

        fleet.Remove("seedFingerprint");
        fleet["seed"] = "0";
        fleet["shard"] = "0/1";
        try
        {
            return ProfileLoader.Parse(System.Text.Encoding.UTF8.GetBytes(node.ToJsonString()), file);
        }
        catch (InputException e)
        {
            throw new InputException($"its profile cannot be read back: {e.Problem}", file, field: field + (e.Field is { } f ? "." + f.TrimStart('$', '.') : string.Empty));
        }
    }
}
