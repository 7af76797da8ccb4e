using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Simulator.Tests.Support;

/// <summary>Samples the runtime's AllocationTick events (one per ~100 KB) to name what allocates, for failure messages.</summary>
public sealed class AllocationSampler : EventListener
{
    private readonly ConcurrentDictionary<string, int> _types = new();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName == "GCAllocationTick_V4" || e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) == true)
        {
            var i = e.PayloadNames?.IndexOf("TypeName") ?? -1;
            if (i >= 0 && e.Payload?[i] is string type)
            {
                _types.AddOrUpdate(type, 1, (_, n) => n + 1);
            }
        }
    }

    public string Top(int n = 8) => string.Join(", ", _types.OrderByDescending(kv => kv.Value).Take(n).Select(kv => $"{kv.Key}×{kv.Value}"));
}
