using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Channels;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;

namespace Simulator.Core.Results;

/// <summary>
/// A run's folder from before its first arrival: run.json (what runs), then timeseries.csv with a
/// row appended and flushed to disk as each second closes. A run that dies (an OOM kill, an
/// evicted pod) leaves every closed second; <c>simulator report</c> turns them into an incomplete
/// summary (<see cref="IncompleteRun"/>). A finished run's files replace the streamed one.
/// </summary>
internal sealed class RunFolder : IAsyncDisposable
{
    public const string StartFile = "run.json";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly Channel<SecondRow> _rows = Channel.CreateUnbounded<SecondRow>(new UnboundedChannelOptions { SingleReader = true });
    private readonly FileStream _csv;
    private readonly Task _writer;
    private int _completed;

    private RunFolder(string path)
    {
        Path = path;
        _csv = new FileStream(System.IO.Path.Combine(path, "timeseries.csv"), FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        _writer = Task.Run(WriteRowsAsync);
    }

    public string Path { get; }

    /// <summary>The first error writing rows (a full disk, say); rows after it are not streamed, and the run's end writes them whole or reports it.</summary>
    public string? WriteError { get; private set; }

    /// <summary>After <see cref="CompleteAsync"/>: every second appended is in timeseries.csv.</summary>
    public bool RowsComplete => Volatile.Read(ref _completed) == 1 && WriteError is null;

    /// <summary>Creates results/&lt;time&gt;-&lt;profile&gt;[-shardIofN][-n]/ and writes run.json and the CSV header.</summary>
    public static RunFolder Create(string resultsRoot, RunOptions profile, DateTimeOffset startedAt, RunStart start)
    {
        var dir = NewDirectory(resultsRoot, profile, startedAt);
        File.WriteAllText(System.IO.Path.Combine(dir, StartFile), StartJson(profile, startedAt, start));
        var folder = new RunFolder(dir);
        folder.WriteLine(TimeseriesCsv.Header);
        return folder;
    }

    /// <summary>Queues a closed second; it reaches the disk within moments, off the engine's thread.</summary>
    public void Append(SecondRow row) => _rows.Writer.TryWrite(row);

    /// <summary>Writes what is queued and closes the file; the finished run's writer may then replace it.</summary>
    public async Task CompleteAsync()
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            _rows.Writer.TryComplete();
            await _writer.ConfigureAwait(false);
            await _csv.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync() => await CompleteAsync().ConfigureAwait(false);

    /// <summary>The folder's name; two runs started in the same second get distinct folders.</summary>
    public static string NewDirectory(string resultsRoot, RunOptions profile, DateTimeOffset startedAt)
    {
        // Shards started together write side by side (one results volume in a cluster): the shard in the name keeps them apart.
        var shard = profile.Fleet.Assigned is { IsWhole: false } s ? $"-shard{s.Index}of{s.Count}" : string.Empty;
        var name = $"{startedAt:yyyyMMdd-HHmmss}-{ResultsWriter.Sanitize(profile.Name)}{shard}";
        Directory.CreateDirectory(resultsRoot);
        var dir = System.IO.Path.Combine(resultsRoot, name);
        for (var n = 2; !ResultsWriter.TryCreateNew(dir); n++)
        {
            dir = System.IO.Path.Combine(resultsRoot, $"{name}-{n}");
        }

        return dir;
    }

    /// <summary>run.json: the profile without secrets and what the engine planned, written before the first arrival.</summary>
    internal static string StartJson(RunOptions profile, DateTimeOffset startedAt, RunStart start) => Summary.SummaryJson.Write(new Summary.RunStartRecord
    {
        SchemaVersion = Summary.RunSummary.CurrentSchema,
        Tool = Summary.RunSummary.ToolName,
        ProfileName = profile.Name,
        StartedAt = startedAt,
        Tls = Load.DeviceTransport.TlsName(profile.Transport),
        FleetDevices = start.FleetDevices,
        PlannedDevices = start.PlannedDevices,
        PlanSeconds = Math.Round(start.PlanSeconds, 3),
        EmbeddedGatewayInProcess = start.EmbeddedGateway,
        StartSkewMs = start.StartSkewMs is { } skew ? Math.Round(skew, 1) : null,
        Profile = ProfileRedaction.WithoutSecrets(profile).AsObject(),
    });

    private async Task WriteRowsAsync()
    {
        await foreach (var row in _rows.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (WriteError is null)
            {
                WriteLine(TimeseriesCsv.Line(row));
            }
        }
    }

    /// <summary>One whole line in one write, then to the disk: a kill leaves whole lines, at worst one torn last line, which the reader drops.</summary>
    private void WriteLine(string line)
    {
        try
        {
            _csv.Write(Encoding.UTF8.GetBytes(line + "\n"));
            _csv.Flush(flushToDisk: true);
        }
        catch (IOException e)
        {
            WriteError ??= e.Message;
        }
    }
}
