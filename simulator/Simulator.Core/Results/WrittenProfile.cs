using System.Text.Json.Nodes;
using Simulator.Core.Load.Profiles;

namespace Simulator.Core.Results;

/// <summary>A profile read back from a results file, for its thresholds and names.</summary>
internal static class WrittenProfile
{
    /// <summary>The options of a profile results wrote: its seed only a fingerprint, so no fleet can be built from them.</summary>
    public static RunOptions Parse(JsonObject written, string file, string field) => ProfileLoader.ParseWritten(written, file, field);
}
