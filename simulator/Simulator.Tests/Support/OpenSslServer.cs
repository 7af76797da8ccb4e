using System.Diagnostics;

namespace Simulator.Tests.Support;

/// <summary>
/// <c>openssl s_server -www</c> on a loopback port: OpenSSL's own TLS server, whose status page
/// says whether a session was "New" or "Reused". With <c>alpn</c> it agrees to that protocol;
/// without, it agrees to none.
/// </summary>
public sealed class OpenSslServer : IDisposable
{
    private readonly Process _process;

    private OpenSslServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static async Task<OpenSslServer> StartAsync(string certFile, string keyFile, string? alpn = "mqtt")
    {
        var port = Ports.Free();
        List<string> args = ["s_server", "-accept", $"127.0.0.1:{port}", "-cert", certFile, "-key", keyFile, "-www", "-quiet"];
        if (alpn is not null)
        {
            args.AddRange(["-alpn", alpn]);
        }

        var process = Process.Start(new ProcessStartInfo("openssl", args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var server = new OpenSslServer(process, port);
        try
        {
            await Ports.WaitOpenAsync(port, TimeSpan.FromSeconds(10));
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}
