using System.Diagnostics;
using System.Text;
using Simulator.Core.Transport;
using Simulator.Tests.Support;

namespace Simulator.Tests.Transport;

/// <summary>
/// Each virtual device is its own modem: without <c>transport.tlsResume</c>, every connect is a
/// full TLS handshake, even though .NET keeps a process-wide client session cache per server name
/// (which would let one device resume another's session). OpenSSL's own server says which it was:
/// <c>openssl s_server -www</c> answers "New" or "Reused" on its status page.
/// </summary>
public sealed class TlsResumptionTests
{
    [Theory]
    [InlineData(false, "New")]
    [InlineData(true, "Reused")]
    public async Task ASecondDeviceResumesOnlyWhenTheProfileAsks(bool resume, string second)
    {
        using var dir = new TempDir();
        var name = $"resume-{resume}.test".ToLowerInvariant(); // its own server name: its own cache entry
        var ca = new TestCa(dir.Path, name);
        var port = Ports.Free();
        using var server = Process.Start(new ProcessStartInfo("openssl", ["s_server", "-accept", $"127.0.0.1:{port}", "-cert", ca.CertFile, "-key", ca.KeyFile, "-www", "-quiet"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        try
        {
            await Ports.WaitOpenAsync(port, TimeSpan.FromSeconds(10));
            var options = new TransportOptions { Kind = TransportKind.Tls, Host = "127.0.0.1", ServerName = name, Port = port, CaFile = ca.CaFile, TlsResume = resume };
            Assert.Equal("New", await HandshakeAsync(options));
            Assert.Equal(second, await HandshakeAsync(options));
            Assert.Equal(second, await HandshakeAsync(options));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public void TheProfileTurnsItOnExplicitlyAndItIsOffOtherwise()
    {
        var off = Simulator.Core.Load.Profiles.ProfileLoader.Parse(Encoding.UTF8.GetBytes(Load.RunHarness.DeviceOnlyProfile("""[ { "kind": "hold", "seconds": 1 } ]""", 1)), "p.json");
        Assert.False(off.Transport.TlsResume);
        var on = Simulator.Core.Load.Profiles.ProfileLoader.Parse(Encoding.UTF8.GetBytes(Load.RunHarness.DeviceOnlyProfile("""[ { "kind": "hold", "seconds": 1 } ]""", 1).Replace("\"kind\": \"mqtt-alpn\" }", "\"kind\": \"mqtt-alpn\", \"tlsResume\": true }", StringComparison.Ordinal)), "p.json");
        Assert.True(on.Transport.TlsResume);
    }

    private static async Task<string> HandshakeAsync(TransportOptions options)
    {
        await using var stream = await TransportConnector.ConnectAsync(options, new ConnectTimings(), CancellationToken.None);
        await stream.WriteAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
        var page = await new StreamReader(stream, Encoding.ASCII).ReadToEndAsync();
        return page.Contains("Reused, TLS", StringComparison.Ordinal) ? "Reused" : page.Contains("New, TLS", StringComparison.Ordinal) ? "New" : $"neither: {page[..Math.Min(200, page.Length)]}";
    }
}
