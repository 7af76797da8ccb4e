using System.Collections.Concurrent;
using Simulator.Core.Metrics;

namespace Simulator.Core.Load.Scenarios;

/// <summary>
/// The run's devices by client id, for backend consumers to find a message's device from its topic
/// without allocating. Every device ever started is kept until the run's end, when what no consumer
/// got is settled. Thread-safe.
/// </summary>
internal sealed class DeviceDirectory
{
    private readonly ConcurrentDictionary<string, ScenarioDevice> _byClientId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ScenarioDevice>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly ConcurrentQueue<ScenarioDevice> _all = new();

    /// <param name="tally">Where backend consumers count; null when the run has none (commands only), so devices settle nothing.</param>
    public DeviceDirectory(DeliveryTally? tally)
    {
        Tally = tally;
        _lookup = _byClientId.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public DeliveryTally? Tally { get; }

    /// <summary>A device starts: its messages are counted from now on.</summary>
    public void Add(string clientId, ScenarioDevice device)
    {
        device.Backend = Tally;
        _byClientId[clientId] = device;
        _all.Enqueue(device);
    }

    /// <summary>The devices now, by client id: a copy, for a backend that addresses them in turn.</summary>
    public KeyValuePair<string, ScenarioDevice>[] Snapshot() => _byClientId.ToArray();

    public ScenarioDevice? Find(ReadOnlySpan<char> clientId) => _lookup.TryGetValue(clientId, out var device) ? device : null;

    /// <summary>The run is over and the consumers drained: every message still kept that no consumer got is lost.</summary>
    public void SettleAll()
    {
        foreach (var device in _all)
        {
            device.SettleAll();
        }
    }
}
