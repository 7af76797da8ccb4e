using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Simulator.Core.CustomAuth;
using Simulator.Core.Errors;
using Simulator.Core.Transport;
using Simulator.Tests.Support;

namespace Simulator.Tests.Transport;

/// <summary>HTTPS publish against a real Kestrel listener that records what arrived on the wire.</summary>
public sealed class HttpsPublisherTests : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly List<(string Path, string Query, Dictionary<string, string> Headers, string Body)> _seen = [];
    private readonly List<IPAddress> _from = [];
    private WebApplication? _app;
    private TestCa _ca = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _ca = new TestCa(_dir["tls"]);
        _port = Ports.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        using var pem = X509Certificate2.CreateFromPemFile(_ca.CertFile, _ca.KeyFile);
        var cert = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, _port, l => l.UseHttps(cert)));
        _app = builder.Build();
        _app.MapPost("/topics/{**topic}", async (HttpContext ctx) =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync();
            lock (_seen)
            {
                _seen.Add((ctx.Request.Path.Value!, ctx.Request.QueryString.Value!, ctx.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), body));
                _from.Add(ctx.Connection.RemoteIpAddress!.MapToIPv4());
            }

            return Results.Json(new { message = "OK", traceId = "t" });
        });
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _dir.Dispose();
    }

    private TransportOptions Options => new() { Kind = TransportKind.Tls, Host = "localhost", Port = _port, CaFile = _ca.CaFile };

    [Fact]
    public async Task HeadersPlacementSendsTheCustomAuthHeaders()
    {
        using var publisher = new HttpsPublisher(Options);
        var creds = new CustomAuthCredentials("1nce-authorizer", "token", "a.b.c", "sig+/=");
        var result = await publisher.PublishAsync("8988228066000000017/messages", Encoding.UTF8.GetBytes("{\"data\":1}"), 1, creds, CredentialPlacement.Headers);
        Assert.Equal(200, result.StatusCode);
        Assert.Contains("\"message\":\"OK\"", result.Body, StringComparison.Ordinal);
        var seen = _seen.Single();
        Assert.Equal("/topics/8988228066000000017/messages", seen.Path);
        Assert.Equal("?qos=1", seen.Query);
        Assert.Equal("1nce-authorizer", seen.Headers["x-amz-customauthorizer-name"]);
        Assert.Equal("sig+/=", seen.Headers["x-amz-customauthorizer-signature"]);
        Assert.Equal("a.b.c", seen.Headers["token"]);
        Assert.Equal("{\"data\":1}", seen.Body);
    }

    [Fact]
    public async Task QueryPlacementUrlEncodesTheSignature()
    {
        using var publisher = new HttpsPublisher(Options);
        var creds = new CustomAuthCredentials("1nce-authorizer", "token", "a.b.c", "sig+/=");
        var result = await publisher.PublishAsync("dev/with space", "x"u8.ToArray(), 0, creds, CredentialPlacement.Query);
        Assert.Equal(200, result.StatusCode);
        var seen = _seen.Single();
        Assert.Equal("?qos=0&x-amz-customauthorizer-name=1nce-authorizer&x-amz-customauthorizer-signature=sig%2B%2F%3D&token=a.b.c", seen.Query);
        Assert.Equal("/topics/dev/with space", Uri.UnescapeDataString(seen.Path));
    }

    [Fact]
    public async Task AnUntrustedServerIsATlsFailure()
    {
        using var publisher = new HttpsPublisher(Options with { CaFile = null });
        var e = await Assert.ThrowsAsync<ConnectionFailedException>(() => publisher.PublishAsync("t", "x"u8.ToArray(), 0, null, CredentialPlacement.Headers));
        Assert.Equal(FailureKind.TlsHandshake, e.Kind);
    }

    /// <summary>As a device against a resolved target: the connection goes to the address, from the device's source address, and the URL (Host header, TLS name) keeps the server's name.</summary>
    [Fact]
    public async Task ItConnectsToTheResolvedAddressFromTheSourceAddressUnderTheServersName()
    {
        using var publisher = new HttpsPublisher(Options with { Host = "127.0.0.1", ServerName = "localhost", LocalAddress = IPAddress.Parse("127.0.0.3") });
        var result = await publisher.PublishAsync("t", "x"u8.ToArray(), 0, null, CredentialPlacement.Headers);
        Assert.Equal(200, result.StatusCode);
        Assert.Equal($"localhost:{_port}", _seen.Single().Headers["host"]);
        Assert.Equal(IPAddress.Parse("127.0.0.3"), _from.Single());
    }

    /// <summary>HTTPS connections count against the run's descriptor budget as MQTT connects do: none left is FdExhausted, and nothing is sent.</summary>
    [Fact]
    public async Task AnExhaustedDescriptorBudgetIsRefusedByName()
    {
        using var publisher = new HttpsPublisher(Options with { FdBudget = new FdBudget(limit: 10) });
        var e = await Assert.ThrowsAsync<ConnectionFailedException>(() => publisher.PublishAsync("t", "x"u8.ToArray(), 0, null, CredentialPlacement.Headers));
        Assert.Equal(FailureKind.FdExhausted, e.Kind);
        Assert.Contains("file descriptors", e.Detail, StringComparison.Ordinal);
        Assert.Empty(_seen);
    }
}
