using System.Net;
using Simulator.Core.Errors;
using Simulator.Core.Histograms;
using Simulator.Core.Load;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;
using Simulator.Tests.Support;

namespace Simulator.Tests.Sharding;

/// <summary>Which shard a process is, from the environment an Indexed Job gives its pods; and that shards never share source addresses.</summary>
public sealed class ShardAssignmentTests
{
    private static RunOptions Profile(string shard, params string[] sources) => ProfileLoader.Parse(System.Text.Encoding.UTF8.GetBytes(
        $$"""{ "name": "x", "fleet": { "shard": "{{shard}}", "count": 100 }, "transport": { "sourceAddresses": [{{string.Join(", ", sources.Select(s => $"\"{s}\""))}}] }, "phases": [ { "kind": "hold", "seconds": 1 } ] }"""), "p.json");

    private static RunOptions Auto(params string[] sources) => Profile("auto", sources);

    private static Func<string, string?> Env(string? index, string? count = null) => name => name switch
    {
        "JOB_COMPLETION_INDEX" => index,
        "SIMULATOR_SHARDS" => count,
        _ => null,
    };

    [Fact]
    public void TheIndexComesFromTheJobAndTheCountFromTheOptionOrTheEnvironment()
    {
        var auto = Auto();
        Assert.Null(auto.Fleet.Shard);
        var p = ShardAssignment.Resolve(auto, 5, Env("3"), "p.json");
        Assert.Equal(new FleetShard(3, 5), p.Fleet.Shard);
        Assert.Null(auto.Fleet.Shard); // the loaded options are never edited: resolving makes new ones
        var q = ShardAssignment.Resolve(Auto(), null, Env("0", "20"), "p.json");
        Assert.Equal("0/20", q.Fleet.Assigned.ToString());
    }

    [Theory]
    [InlineData(null, "4", null, "JOB_COMPLETION_INDEX is not set")]
    [InlineData("x", "4", null, "JOB_COMPLETION_INDEX: must be a whole number")]
    [InlineData("4", "4", null, "there are only 4 shards (0 to 3)")]
    [InlineData("1", null, null, "--shards N or SIMULATOR_SHARDS")]
    [InlineData("1", "0", null, "SIMULATOR_SHARDS: must be a whole number 1 or more")]
    [InlineData("1", null, 0, "--shards: must be 1 or more")]
    public void MissingOrWrongEnvironmentIsBadInputThatNamesTheVariable(string? index, string? count, int? option, string message)
    {
        var e = Assert.Throws<InputException>(() => ShardAssignment.Resolve(Auto(), option, Env(index, count), "p.json"));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShardsCountsThatDisagreeAreRefused()
    {
        var p = Profile("1/4");
        var e = Assert.Throws<InputException>(() => ShardAssignment.Resolve(p, 5, Env(null), "p.json"));
        Assert.Contains("--shards 5 needs fleet.shard \"auto\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShardsOnOneMachineNeverShareASourceAddressAndUseAllOfTheirs()
    {
        var used = new List<HashSet<IPAddress>>();
        for (var shard = 0; shard < 3; shard++)
        {
            var p = ShardAssignment.Resolve(Auto("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7"), 3, Env(shard.ToString(System.Globalization.CultureInfo.InvariantCulture)), "p.json");
            Assert.Equal(2, p.Transport.SourceAddresses.Count);
            var endpoint = new DeviceEndpoint { Host = "localhost", Port = 9, SourceAddresses = p.Transport.SourceAddresses, Shards = 3 };
            used.Add([.. Enumerable.Range(0, 100).Where(i => i % 3 == shard).Select(i => endpoint.SourceFor(i)!)]);
        }

        Assert.All(used, u => Assert.Equal(2, u.Count)); // each shard rotates over both of its addresses
        Assert.Empty(used[0].Intersect(used[1]).Concat(used[0].Intersect(used[2])).Concat(used[1].Intersect(used[2])));
    }

    [Theory]
    [InlineData("2026-11-24T10:00:00Z", true)]
    [InlineData("2026-11-24T10:00:00.250+01:00", true)]
    [InlineData("2026-11-24T10:00:00", false)] // no offset: whose clock?
    [InlineData("2026-11-24", false)]
    [InlineData("tomorrow", false)]
    public void StartAtIsAnRfc3339InstantWithItsOffset(string text, bool valid)
    {
        Assert.Equal(valid, ProfileLoader.TryParseInstant(text, out _));
        var json = $$"""{ "name": "x", "startAt": "{{text}}", "phases": [ { "kind": "hold", "seconds": 1 } ] }""";
        if (valid)
        {
            ProfileLoader.TryParseInstant(text, out var instant);
            Assert.Equal(instant, ProfileLoader.Parse(System.Text.Encoding.UTF8.GetBytes(json), "p.json").StartAt);
        }
        else
        {
            Assert.Contains("$.startAt", Assert.Throws<InputException>(() => ProfileLoader.Parse(System.Text.Encoding.UTF8.GetBytes(json), "p.json")).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AHistogramSurvivesItsEncodingExactly()
    {
        var rng = new Random(7);
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        var all = new LatencyHistogram();
        for (var i = 0; i < 20_000; i++)
        {
            var v = (long)Math.Exp(rng.NextDouble() * 16);
            (i % 3 == 0 ? a : b).Record(v);
            all.Record(v);
        }

        var merged = LatencyHistogram.FromCompressedBase64(a.ToCompressedBase64(), a.Min, a.Max);
        merged.Merge(LatencyHistogram.FromCompressedBase64(b.ToCompressedBase64(), b.Min, b.Max));
        Assert.Equal(all.ToCompressedBase64(), merged.ToCompressedBase64());
        Assert.Equal((all.Count, all.Min, all.Max, all.Mean), (merged.Count, merged.Min, merged.Max, merged.Mean));
        foreach (var p in new[] { 0.0, 50, 90, 99, 99.9, 100 })
        {
            Assert.Equal(all.Percentile(p), merged.Percentile(p));
        }
    }
}
