using System.Text.RegularExpressions;
using Simulator.Tests.Support;

namespace Simulator.Tests.Architecture;

/// <summary>One connector: no product code outside it creates a socket, a TLS stream or an HTTP client, so trust, timeouts, source addresses and the descriptor budget are decided in one place.</summary>
public sealed partial class ConnectorTests
{
    [GeneratedRegex(@"new\s+(SslStream|HttpClient|Socket|SocketsHttpHandler|HttpClientHandler|TcpClient)\s*\(")]
    private static partial Regex Construction();

    public static IEnumerable<string> ProductFiles(string root) =>
        new[] { "Simulator.Core", "Simulator.Hosting", "Simulator", "Simulator.Gateway" }
            .SelectMany(p => Directory.EnumerateFiles(Path.Combine(root, "simulator", p), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal));

    public static List<string> ConstructionsOutsideTheConnector(IEnumerable<string> files) =>
        [.. files.Where(f => Path.GetFileName(f) != "TransportConnector.cs")
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(x => Construction().IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(Peers.RepoRoot, x.f)}:{x.i + 1}: {x.line.Trim()}")];

    [Fact]
    public void OnlyTheConnectorOpensConnections()
    {
        var found = ConstructionsOutsideTheConnector(ProductFiles(Peers.RepoRoot));
        Assert.True(found.Count == 0, "connections opened outside Transport/TransportConnector.cs:\n" + string.Join('\n', found));
    }

    [Fact]
    public void APlantedHttpClientIsFound()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["Planted.cs"], "class P { System.Net.Http.HttpClient c = new HttpClient(handler); }\n");
        File.WriteAllText(dir["TransportConnector.cs"], "class Q { object s = new Socket(SocketType.Stream, ProtocolType.Tcp); }\n");
        Assert.Single(ConstructionsOutsideTheConnector([dir["Planted.cs"], dir["TransportConnector.cs"]]));
    }
}
