using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Simulator.Core.Errors;
using Simulator.Core.Identity;
using Simulator.Gateway;
using Simulator.Gateway.Config;
using Simulator.Tests.Cli;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>Credentials in query strings (the JS SDK v1 form, AWS's tutorial form) never reach the gateway's log, at any level.</summary>
public sealed class GatewayLogTests
{
    [Fact]
    public async Task QueryCredentialsOfAnUpgradeAndAnHttpsPublishNeverReachTheLogAtTrace()
    {
        using var tmp = new TempDir();
        var capture = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(capture).SetMinimumLevel(LogLevel.Trace));
        FleetStore.Create(new FleetSpec { Seed = 5, Count = 2 }, tmp["fleet"]);
        await using var gateway = await LocalGateway.StartAsync(new GatewayOptions { DataDirectory = tmp["data"], FleetDirectory = tmp["fleet"] }, factory);
        var token = (await CliRunner.RunAsync("token", "--fleet", tmp["fleet"], "--device", "0")).Out.Trim();

        // A signature as the 1NCE username carries it: base64 with + / =, URL-encoded in the query.
        var signature = Convert.ToBase64String(RandomNumberGenerator.GetBytes(256));
        var query = $"x-amz-customauthorizer-name=device-jwt&x-amz-customauthorizer-signature={Uri.EscapeDataString(signature)}&token={token}";
        var url = $"https://localhost:{gateway.Port}";
        await Proc.RunAsync("curl", ["-sS", "--http1.1", "--max-time", "3", "--cacert", gateway.CaFile, $"{url}/mqtt?{query}",
            "-H", "Connection: Upgrade", "-H", "Upgrade: websocket", "-H", "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "-H", "Sec-WebSocket-Protocol: mqtt"], timeoutMs: 10_000);
        await Proc.RunAsync("curl", ["-sS", "--max-time", "5", "--cacert", gateway.CaFile, "-X", "POST", $"{url}/topics/x/y?qos=1&{query}", "-d", "x"], timeoutMs: 10_000);
        await Task.Delay(200); // the host's "request finished" lines

        var log = string.Join('\n', capture.Lines);
        Assert.Contains("/topics/x/y", log, StringComparison.Ordinal); // the request lines were logged: this test can see a leak
        Assert.Contains("/mqtt", log, StringComparison.Ordinal);
        foreach (var secret in new[] { token, token.Split('.')[2], signature, Uri.EscapeDataString(signature) })
        {
            foreach (var piece in Pieces(secret, 12))
            {
                Assert.False(log.Contains(piece, StringComparison.Ordinal), $"a 12-character piece of a credential is in the log: {piece}");
            }
        }
    }

    [Fact]
    public async Task ATokenUnderAnAuthorizersOwnKeyNameAndAClientsControlCharactersNeverReachTheLog()
    {
        using var tmp = new TempDir();
        var capture = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(capture).SetMinimumLevel(LogLevel.Trace));
        await using var gateway = await LocalGateway.StartAsync(new GatewayOptions
        {
            DataDirectory = tmp["data"],
            Authorizers = [new() { Name = "fleet-auth", Type = "1nce", SigningDisabled = true, TokenKeyName = "x-device-auth" }],
            DefaultAuthorizer = "fleet-auth",
        }, factory);

        // A short token (no JWT, no long base64 run) under a key not named like "token".
        const string token = "Q7shortsecret9";
        var url = $"https://localhost:{gateway.Port}";
        await Proc.RunAsync("curl", ["-sS", "--max-time", "5", "--cacert", gateway.CaFile, "-X", "POST", $"{url}/topics/x/y?qos=1&x-amz-customauthorizer-name=fleet-auth&x-device-auth={token}", "-d", "x"], timeoutMs: 10_000);
        await Proc.RunAsync("curl", ["-sS", "--max-time", "5", "--cacert", gateway.CaFile, "-X", "POST", $"{url}/topics/x/y?qos=1", "-H", $"x-device-auth: {token}", "-H", "x-amz-customauthorizer-name: fleet-auth", "-d", "x"], timeoutMs: 10_000);

        // A client id with a carriage return and an escape sequence, before any authentication.
        var transport = new Simulator.Core.Transport.TransportOptions { Kind = Simulator.Core.Transport.TransportKind.Tls, Host = "localhost", Port = gateway.Port, CaFile = gateway.CaFile, Alpn = ["mqtt"] };
        await using (var raw = await RawMqttSession.ConnectAsync(transport, new Simulator.Core.Mqtt.ConnectPacket { ClientId = "evil\r\u001b[2Jforged line", Username = "nobody?x-amz-customauthorizer-name=fleet-auth&x-device-auth=" + token, KeepAliveSeconds = 30 }))
        {
            try
            {
                await raw.NextAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Denied or closed: what matters is what was logged.
            }
        }

        await Task.Delay(300);
        var log = string.Join('\n', capture.Lines);
        Assert.Contains("/topics/x/y", log, StringComparison.Ordinal); // the request lines were logged: this test can see a leak
        Assert.DoesNotContain(token, log, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', log);
        Assert.DoesNotContain('\r', log);
    }

    [Fact]
    public void AUrlEncodedSignatureIsRedactedWhole()
    {
        // A signature whose base64 has '+' and '/', so that its URL-encoded form has %2B and %2F to redact.
        var signature = Convert.ToBase64String(RandomNumberGenerator.GetBytes(256));
        while (!signature.Contains('+', StringComparison.Ordinal) || !signature.Contains('/', StringComparison.Ordinal))
        {
            signature = Convert.ToBase64String(RandomNumberGenerator.GetBytes(256));
        }

        var encoded = Uri.EscapeDataString(signature);
        Assert.Contains("%2B", encoded, StringComparison.Ordinal);
        Assert.Contains("%2F", encoded, StringComparison.Ordinal);
        foreach (var text in new[] { $"GET /mqtt?sig={encoded} HTTP/1.1", $"signature={encoded}", $"\"token\":\"{encoded}\"", encoded })
        {
            var redacted = Secrets.Redact(text);
            Assert.All(Pieces(signature, 8).Concat(Pieces(encoded, 8)), p => Assert.DoesNotContain(p, redacted, StringComparison.Ordinal));
        }

        Assert.Equal("token=<redacted>&qos=1", Secrets.Redact("token=abc&qos=1"));
        Assert.Equal("the token expired after 60 s", Secrets.Redact("the token expired after 60 s"));
    }

    private static IEnumerable<string> Pieces(string secret, int length) =>
        Enumerable.Range(0, Math.Max(1, secret.Length - length + 1)).Select(i => secret.Substring(i, Math.Min(length, secret.Length - i)));
}
