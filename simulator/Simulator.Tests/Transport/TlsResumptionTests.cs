using System.Text;
using Simulator.Core.Transport;
using Simulator.Core.Transport.OpenSsl;
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
    public async Task OnSslStreamASecondDeviceResumesOnlyWhenTheProfileAsks(bool resume, string second)
    {
        using var dir = new TempDir();
        var name = $"resume-{resume}.test".ToLowerInvariant(); // its own server name: its own cache entry
        var ca = new TestCa(dir.Path, name);
        using var server = await OpenSslServer.StartAsync(ca.CertFile, ca.KeyFile, alpn: null);
        var options = new TransportOptions { Kind = TransportKind.Tls, Host = "127.0.0.1", ServerName = name, Port = server.Port, CaFile = ca.CaFile, TlsResume = resume, Tls = TlsProvider.SslStream };
        Assert.Equal("New", await HandshakeAsync(options));
        Assert.Equal(second, await HandshakeAsync(options));
        Assert.Equal(second, await HandshakeAsync(options));
    }

    /// <summary>
    /// On OpenSSL each device resumes its own session and only its own, as a modem that caches its
    /// session does: a second device's first connect is a full handshake even though the first
    /// device holds a session for the same server, and without tlsResume nobody resumes.
    /// </summary>
    [Fact]
    public async Task OnOpenSslEachDeviceResumesOnlyItsOwnSession()
    {
        using var dir = new TempDir();
        var ca = new TestCa(dir.Path);
        using var server = await OpenSslServer.StartAsync(ca.CertFile, ca.KeyFile, alpn: null);
        var options = new TransportOptions { Kind = TransportKind.Tls, Host = "127.0.0.1", ServerName = "localhost", Port = server.Port, CaFile = ca.CaFile, Tls = TlsProvider.OpenSsl };
        using var a = new TlsSessionSlot();
        using var b = new TlsSessionSlot();
        var deviceA = options with { TlsResume = true, TlsSession = a };
        var deviceB = options with { TlsResume = true, TlsSession = b };
        Assert.Equal("New", await HandshakeAsync(deviceA));
        Assert.True(a.HasSession);
        Assert.False(b.HasSession);
        Assert.Equal("Reused", await HandshakeAsync(deviceA));
        Assert.Equal("New", await HandshakeAsync(deviceB));
        Assert.Equal("Reused", await HandshakeAsync(deviceB));
        Assert.Equal("Reused", await HandshakeAsync(deviceA));

        // tlsResume off: the slot is not read, and nothing resumes.
        Assert.Equal("New", await HandshakeAsync(options with { TlsSession = a }));
        Assert.Equal("New", await HandshakeAsync(options with { TlsResume = true }));
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
