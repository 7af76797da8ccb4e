using System.Diagnostics;

namespace Simulator.Tests.Support;

/// <summary>Aedes over WebSocket (peers/aedes-ws.js) on a free loopback port.</summary>
public sealed class AedesWs : IAsyncLifetime
{
    private Process? _process;

    public int Port { get; } = Ports.Free();

    public async Task InitializeAsync()
    {
        _process = Process.Start(new ProcessStartInfo("node", [Path.Combine(Peers.NodeDir, "aedes-ws.js"), Port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Peers.NodeDir,
        })!;
        _process.BeginErrorReadLine();
        await Ports.WaitOpenAsync(Port, TimeSpan.FromSeconds(15));
    }

    public Task DisposeAsync()
    {
        try
        {
            _process?.Kill();
            _process?.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }

        _process?.Dispose();
        return Task.CompletedTask;
    }
}
