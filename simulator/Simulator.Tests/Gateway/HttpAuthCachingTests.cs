using Simulator.Gateway;
using Simulator.Gateway.Config;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>
/// AWS's enableCachingForHttp: an authorizer's allowed answer is kept on a kept-alive HTTPS
/// connection for its refreshAfterInSeconds, per token, so HTTPS publishes on one connection cost
/// one invocation; without it every publish invokes the authorizer. curl over real TLS: several
/// URLs in one curl run share its connection, a second run opens another.
/// </summary>
public sealed class HttpAuthCachingTests
{
    [Fact]
    public async Task AKeptAliveConnectionInvokesACachingAuthorizerOncePerToken()
    {
        using var dir = new TempDir();
        await using var lambda = await TestLambda.StartAsync((_, _) =>
            $$"""{"isAuthenticated":true,"principalId":"backend","disconnectAfterInSeconds":3600,"refreshAfterInSeconds":300,"policyDocuments":[{{System.Text.Json.JsonSerializer.Serialize(PolicyGateway.Open)}}]}""");
        await using var gateway = await LocalGateway.StartAsync(new GatewayOptions
        {
            DataDirectory = dir["data"],
            Authorizers =
            [
                new() { Name = "cached", Type = "http", SigningDisabled = true, TokenKeyName = "x-token", CalloutUrl = lambda.Url, EnableCachingForHttp = true },
                new() { Name = "plain", Type = "http", SigningDisabled = true, TokenKeyName = "x-token", CalloutUrl = lambda.Url },
            ],
            DefaultAuthorizer = "cached",
        });

        // One curl run: its URLs go over one connection; --next starts a request with other headers on it.
        async Task<string> PostAsync(string authorizer, params string[] tokens)
        {
            List<string> args = ["-sS", "--max-time", "20", "--cacert", gateway.CaFile];
            for (var i = 0; i < tokens.Length; i++)
            {
                if (i > 0)
                {
                    args.Add("--next");
                    args.AddRange(["--cacert", gateway.CaFile]);
                }

                args.AddRange(["-X", "POST", "-H", $"x-token: {tokens[i]}", "-H", $"x-amz-customauthorizer-name: {authorizer}", "--data-binary", "{}", "-w", "%{http_code}/%{num_connects} ", $"https://localhost:{gateway.Port}/topics/cache/{i}?qos=1"]);
            }

            var r = await Proc.RunAsync("curl", [.. args], timeoutMs: 30_000);
            return r.Stdout;
        }

        var invocations = () => lambda.Events.Count;

        // Three publishes with one token over one connection (one connect in curl's count): one invocation.
        var cached = await PostAsync("cached", "t1", "t1", "t1");
        Assert.Matches(@"^(\{[^}]*\})?200/1 (\{[^}]*\})?200/0 (\{[^}]*\})?200/0 $", cached);
        Assert.Equal(1, invocations());
        Assert.Equal(2, gateway.Counters.HttpAuthCacheHits);

        // Another token on the same connection is judged anew; a new connection starts with nothing kept.
        await PostAsync("cached", "t1", "t2");
        Assert.Equal(3, invocations());
        Assert.Equal(2, gateway.Counters.HttpAuthCacheHits);

        // Without caching, each publish invokes it.
        await PostAsync("plain", "t1", "t1", "t1");
        Assert.Equal(6, invocations());
        Assert.Equal(2, gateway.Counters.HttpAuthCacheHits);
    }
}
