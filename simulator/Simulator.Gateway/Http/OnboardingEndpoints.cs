using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Simulator.Core.CustomAuth;
using Simulator.Core.Identity;
using Simulator.Core.Tokens;
using Simulator.Gateway.Config;

namespace Simulator.Gateway.Http;

/// <summary>
/// 1NCE's JWT onboarding endpoint, GET /device-api/onboarding/mqtt/tokens (B.1). The real one knows
/// the SIM by its address in 1NCE's network; here the SIM is named by a request header. JSON
/// {username, iotCoreEndpointUrl, clientId, amazonRootCaUrl}, or with Accept: text/csv one quoted
/// CSV line without a header. Errors are {statusText, errors[]}. Each SIM's token is cached for
/// most of its lifetime, as 1NCE's service hands a SIM the same token until it nears expiry: the
/// RSA-2048 token signature is the costliest step, and signing it on every request made the
/// endpoint the bottleneck of large local runs.
/// </summary>
internal static class OnboardingEndpoints
{
    public const string Path = "/device-api/onboarding/mqtt/tokens";

    /// <summary>
    /// Tokens kept at most, about 2 KB each: twice the largest fleet one machine runs reuses them
    /// all; SIMs beyond it start the cache over instead of growing it (a million took 2 GB).
    /// </summary>
    public const int MaxCachedTokens = 100_000;

    public static void Map(IEndpointRouteBuilder app, GatewayOptions options, FaultState faults, OnceIssuerTokens issuer, Fleet? fleet, Func<(string EndpointName, string AmazonRootCaUrl)> gateway, TimeProvider time)
    {
        var known = fleet?.Devices.Select(d => d.Iccid).ToHashSet(StringComparer.Ordinal);
        var cache = new System.Collections.Concurrent.ConcurrentDictionary<string, (string Token, string Signature, long ExpiresAt)>(StringComparer.Ordinal);

        // Minting is an RSA-2048 signature: new tokens are rate-limited so that a caller naming
        // ever new ICCIDs cannot take the gateway's cores (a cached SIM's token costs nothing).
        var minting = new Broker.TokenBucket(options.OnboardingTokensPerSecond, time);
        app.MapGet(Path, (HttpContext context) =>
        {
            var rate = faults.Current.OnboardingErrorRate;
            if (rate > 0 && Random.Shared.NextDouble() < rate)
            {
                faults.CountInjected();
                return Error(503, "Service Unavailable", "the onboarding service is temporarily unavailable");
            }

            var iccid = context.Request.Headers[options.SimIccidHeader].FirstOrDefault();
            if (string.IsNullOrEmpty(iccid))
            {
                return Error(400, "Bad Request", $"the SIM is not identified (header {options.SimIccidHeader} is missing)");
            }

            if (iccid.Length is < 18 or > 22 || !Luhn.IsValid(iccid))
            {
                return Error(400, "Bad Request", "the ICCID is not 18 to 22 digits with a valid check digit");
            }

            if (known is not null && !known.Contains(iccid))
            {
                return Error(404, "Not Found", "SIM not found");
            }

            // Reissued once less than a tenth of its lifetime is left, so a client's refresh-before margin always gets a fresh one.
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            if (!cache.TryGetValue(iccid, out var cached) || cached.ExpiresAt - now < issuer.LifetimeSeconds / 10)
            {
                if (!minting.TryTake())
                {
                    return Error(503, "Service Unavailable", $"more than {options.OnboardingTokensPerSecond} new tokens a second");
                }

                var issued = issuer.Issue(iccid, now);
                cached = (issued.Token, issued.Signature, now + issuer.LifetimeSeconds);
                if (cache.Count >= MaxCachedTokens)
                {
                    cache.Clear(); // SIMs beyond any fleet's size: start over rather than grow
                }

                cache[iccid] = cached;
            }

            var (token, signature, _) = cached;
            var username = new CustomAuthCredentials(OnceIssuerTokens.DefaultAuthorizerName, OnceIssuerTokens.DefaultTokenKeyName, token, signature).ToUsername(iccid);
            var g = gateway();
            var accept = context.Request.Headers.Accept.ToString();
            if (accept.Contains("text/csv", StringComparison.OrdinalIgnoreCase))
            {
                return Results.Text($"\"{username}\",\"{g.EndpointName}\",\"{iccid}\",\"{g.AmazonRootCaUrl}\"\n", "text/csv; charset=utf-8");
            }

            return Results.Json(
                new Dictionary<string, string>
                {
                    ["username"] = username,
                    ["iotCoreEndpointUrl"] = g.EndpointName,
                    ["clientId"] = iccid,
                    ["amazonRootCaUrl"] = g.AmazonRootCaUrl,
                },
                GatewayJson.Context.DictionaryStringString);
        });
    }

    private static IResult Error(int status, string statusText, string message) =>
        Results.Json(
            new Dictionary<string, object> { ["statusText"] = statusText, ["errors"] = new object[] { new Dictionary<string, object> { ["message"] = message } } },
            GatewayJson.Context.DictionaryStringObject,
            statusCode: status);
}
