using System.Runtime.InteropServices;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Tests.Support;
using Xunit.Abstractions;

namespace Simulator.Tests.Transport;

/// <summary>
/// What an idle MQTT-over-TLS session holds in this process, counted in bytes: the managed heap
/// after a full collection, and the C heap libssl allocates from (glibc's mallinfo2). The broker is
/// mosquitto, in its own process, so none of its memory is counted. The managed count is exact and
/// tight: an idle read that holds its 16 KB receive buffer breaks it. The C heap's count moves with
/// the process's threads (glibc's per-thread caches count as in use): 14-15 KB per session alone,
/// up to about 34 KB in a busy test process, so its bound only tells OpenSSL from SslStream (62-72 KB).
/// </summary>
[Collection(nameof(Mqtt.AllocationCollection))]
public sealed partial class ConnectionMemoryTests : IClassFixture<Mosquitto>
{
    private const int Sessions = 400;
    private readonly Mosquitto _broker;
    private readonly ITestOutputHelper _output;

    public ConnectionMemoryTests(Mosquitto broker, ITestOutputHelper output)
    {
        _broker = broker;
        _output = output;
    }

    [Theory]
    [InlineData(TlsProvider.OpenSsl, 8_000, 45_000)]
    [InlineData(TlsProvider.SslStream, 10_000, 80_000)]
    public async Task AnIdleTlsSessionHoldsLittle(TlsProvider provider, int maxManaged, int maxNative)
    {
        var transport = new TransportOptions { Kind = TransportKind.Tls, Host = "localhost", Port = _broker.TlsPort, CaFile = _broker.Ca.CaFile, Tls = provider };
        var options = new MqttClientOptions { ClientId = "warm", KeepAliveSeconds = 300 };

        // Warm: the SSL_CTX, pools, JIT and type loads are paid once, not per session.
        for (var i = 0; i < 20; i++)
        {
            await using var warm = await MqttClientConnection.ConnectAsync(transport, options with { ClientId = $"warm{i}" });
        }

        var (managed0, native0) = Measure();
        var sessions = new List<MqttClientConnection>();
        for (var i = 0; i < Sessions; i += 20)
        {
            sessions.AddRange(await Task.WhenAll(Enumerable.Range(i, 20).Select(j => MqttClientConnection.ConnectAsync(transport, options with { ClientId = $"{provider}-{j}" }))));
        }

        await Task.Delay(500); // the receive loops settle into their zero-byte waits
        var (managed1, native1) = Measure();
        foreach (var s in sessions)
        {
            await s.DisposeAsync();
        }

        sessions.Clear();
        await Task.Delay(200);
        var (managed2, native2) = Measure();

        // Managed: what the sessions took, exactly (closed sessions' buffers stay in the pool, so what
        // closing gives back is no measure). The C heap: the less of what the sessions took and what
        // closing them gave back, since the process's other threads move it meanwhile.
        var managed = (managed1 - managed0) / Sessions;
        var native = Math.Min(native1 - native0, native1 - native2) / Sessions;
        _output.WriteLine($"{provider}: {managed} managed + {native} native bytes per idle session (taken {(managed1 - managed0) / Sessions} + {(native1 - native0) / Sessions}, given back {(managed1 - managed2) / Sessions} + {(native1 - native2) / Sessions})");

        Assert.True(managed <= maxManaged, $"{provider}: {managed} managed bytes per idle session (at most {maxManaged})");
        Assert.True(native <= maxNative, $"{provider}: {native} native bytes per idle session (at most {maxNative})");
    }

    private static (long Managed, long Native) Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return (GC.GetTotalMemory(forceFullCollection: true), NativeBytes());
    }

    /// <summary>Bytes in use in the C heap, every arena: what libssl and libcrypto hold.</summary>
    internal static long NativeBytes()
    {
        var info = MallInfo2();
        return (long)(info.Uordblks + info.Hblkhd);
    }

    [LibraryImport("libc", EntryPoint = "mallinfo2")]
    private static partial MallInfo MallInfo2();

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo
    {
        public nuint Arena;
        public nuint Ordblks;
        public nuint Smblks;
        public nuint Hblks;
        public nuint Hblkhd;
        public nuint Usmblks;
        public nuint Fsmblks;
        public nuint Uordblks;
        public nuint Fordblks;
        public nuint Keepcost;
    }
}
