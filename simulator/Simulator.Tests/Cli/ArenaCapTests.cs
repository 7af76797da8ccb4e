using System.Net.Sockets;
using System.Text;
using Simulator.Tests.Support;

namespace Simulator.Tests.Cli;

/// <summary>
/// The long-running verbs re-execute themselves with glibc's arenas capped (the cap must be in the
/// environment before the runtime starts): the process keeps its pid, gets the variable, and still
/// listens on its diagnostic port so dotnet-trace and dotnet-counters attach.
/// </summary>
public sealed class ArenaCapTests
{
    [Fact]
    public async Task The_gateway_runs_with_two_arenas_and_its_diagnostic_port()
    {
        using var tmp = new TempDir();
        using var gateway = await RunningSimulator.StartAsync(
            ["gateway", "--listen", $"127.0.0.1:{Ports.Free()}", "--data", tmp["gw"]], tmp.Path, "onboarding:",
            environment: new Dictionary<string, string?> { ["MALLOC_ARENA_MAX"] = null, ["GLIBC_TUNABLES"] = null });

        Assert.Contains("MALLOC_ARENA_MAX=2", Environment(gateway.Pid));
        var port = Assert.Single(Directory.GetFiles(Path.GetTempPath(), $"dotnet-diagnostic-{gateway.Pid}-*-socket"));
        Assert.True(await AnswersProcessInfoAsync(port), "the runtime does not answer on its diagnostic port");
        var (code, _) = await gateway.SignalAsync("TERM");
        Assert.Equal(0, code);
    }

    [Fact]
    public async Task A_cap_the_user_set_is_kept()
    {
        using var tmp = new TempDir();
        using var gateway = await RunningSimulator.StartAsync(
            ["gateway", "--listen", $"127.0.0.1:{Ports.Free()}", "--data", tmp["gw"]], tmp.Path, "onboarding:",
            environment: new Dictionary<string, string?> { ["MALLOC_ARENA_MAX"] = "5" });

        var env = Environment(gateway.Pid);
        Assert.Contains("MALLOC_ARENA_MAX=5", env);
        Assert.DoesNotContain("MALLOC_ARENA_MAX=2", env);
        await gateway.SignalAsync("TERM");
    }

    /// <summary>
    /// The diagnostics IPC protocol's ProcessInfo command (header: "DOTNET_IPC_V1\0", uint16 size,
    /// command set 0x04, command 0x00, reserved): a live runtime answers with a header of its own.
    /// </summary>
    private static async Task<bool> AnswersProcessInfoAsync(string path)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cts.Token);
            var header = new byte[20];
            "DOTNET_IPC_V1\0"u8.CopyTo(header);
            header[14] = 20;
            header[16] = 0x04;
            await socket.SendAsync(header, SocketFlags.None, cts.Token);
            var reply = new byte[20];
            var read = 0;
            while (read < reply.Length)
            {
                var n = await socket.ReceiveAsync(reply.AsMemory(read), SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    return false;
                }

                read += n;
            }

            return reply.AsSpan(0, 14).SequenceEqual("DOTNET_IPC_V1\0"u8) && reply[16] == 0xFF && reply[17] == 0x00;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static string[] Environment(int pid) =>
        Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/environ")).Split('\0');
}
