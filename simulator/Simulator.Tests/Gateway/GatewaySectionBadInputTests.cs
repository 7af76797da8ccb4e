using System.Text.Json;
using Simulator.Core.Errors;
using Simulator.Gateway.Config;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>
/// A profile's gateway section is checked when the profile is: each value the gateway could not use
/// as AWS would is refused with the file, the line and the JSON path, before anything starts. Each
/// of these was accepted before, and either ran and blamed the target or failed later with .NET's
/// own text.
/// </summary>
public sealed class GatewaySectionBadInputTests
{
    [Theory]
    [InlineData("""{ "authorizers": [ { "name": "a", "type": "http", "calloutUrl": "not a url" } ], "defaultAuthorizer": "a" }""", "$.gateway.authorizers[0].calloutUrl", "absolute http or https URL")]
    [InlineData("""{ "authorizers": [ { "name": "a", "type": "http", "calloutUrl": "ftp://127.0.0.1/auth" } ], "defaultAuthorizer": "a" }""", "$.gateway.authorizers[0].calloutUrl", "absolute http or https URL")]
    [InlineData("""{ "authorizers": [ { "name": "a", "type": "http" } ], "defaultAuthorizer": "a" }""", "$.gateway.authorizers[0].calloutUrl", "needs calloutUrl")]
    [InlineData("""{ "authorizers": [ { "name": "a", "type": "1nce", "calloutUrl": "https://127.0.0.1/" } ], "defaultAuthorizer": "a" }""", "$.gateway.authorizers[0].calloutUrl", "only an http authorizer")]
    [InlineData("""{ "authorizers": [ { "name": "a", "type": "1nce" }, { "name": "a", "type": "device-jwt" } ], "defaultAuthorizer": "a" }""", "$.gateway.authorizers[1].name", "names are unique")]
    [InlineData("""{ "authorizers": [ { "name": "a b", "type": "1nce" } ], "defaultAuthorizer": "a b" }""", "$.gateway.authorizers[0].name", "AWS authorizer name")]
    [InlineData("""{ "authorizers": [ { "name": "a", "type": "lambda" } ], "defaultAuthorizer": "a" }""", "$.gateway.authorizers[0].type", "1nce, device-jwt or http")]
    [InlineData("""{ "authorizers": [ { "name": "a", "type": "1nce", "tokenKeyName": "tok en" } ], "defaultAuthorizer": "a" }""", "$.gateway.authorizers[0].tokenKeyName", "token key name")]
    [InlineData("""{ "authorizers": [ { "name": "a", "type": "1nce", "status": "on" } ], "defaultAuthorizer": "a" }""", "$.gateway.authorizers[0].status", "ACTIVE or INACTIVE")]
    [InlineData("""{ "authorizers": [ { "name": "a", "type": "1nce", "tokenSigningPublicKeys": { "k1": "RSA" } } ], "defaultAuthorizer": "a" }""", "$.gateway.authorizers[0].tokenSigningPublicKeys.k1", "RSA public key in PEM")]
    [InlineData("""{ "authorizers": [ { "name": "a", "type": "device-jwt", "policyTemplate": "{ not json" } ], "defaultAuthorizer": "a" }""", "$.gateway.authorizers[0].policyTemplate", "not a policy document")]
    [InlineData("""{ "authorizers": [ { "name": "a", "type": "device-jwt", "policyTemplate": "{\"Version\":\"2012-10-17\"}" } ], "defaultAuthorizer": "a" }""", "$.gateway.authorizers[0].policyTemplate", "no Statement")]
    [InlineData("""{ "authorizers": [ { "name": "a", "type": "1nce", "policyTemplate": "{}" } ], "defaultAuthorizer": "a" }""", "$.gateway.authorizers[0].policyTemplate", "only a device-jwt authorizer")]
    [InlineData("""{ "authorizers": [ { "name": "a", "type": "device-jwt", "clockSkewSeconds": -5 } ], "defaultAuthorizer": "a" }""", "$.gateway.authorizers[0].clockSkewSeconds", "0 to 3600")]
    [InlineData("""{ "authorizers": [ { "name": "a", "type": "device-jwt", "disconnectAfterInSeconds": 0 } ], "defaultAuthorizer": "a" }""", "$.gateway.authorizers[0].disconnectAfterInSeconds", "1 to 86400")]
    [InlineData("""{ "authorizers": [ { "name": "a", "type": "device-jwt", "refreshAfterInSeconds": 90000 } ], "defaultAuthorizer": "a" }""", "$.gateway.authorizers[0].refreshAfterInSeconds", "1 to 86400")]
    [InlineData("""{ "authorizers": [ { "name": "a", "type": "device-jwt", "maxTokenLifetimeSeconds": 0 } ], "defaultAuthorizer": "a" }""", "$.gateway.authorizers[0].maxTokenLifetimeSeconds", "1 or more")]
    [InlineData("""{ "authorizers": [ { "name": "a", "type": "1nce" } ], "defaultAuthorizer": "b" }""", "$.gateway.defaultAuthorizer", "no authorizer is named 'b' (there are: a)")]
    [InlineData("""{ "quotas": { "maxPayloadBytes": 0 } }""", "$.gateway.quotas.maxPayloadBytes", "1 to 268435455")]
    [InlineData("""{ "quotas": { "maxPayloadBytes": 3000000000 } }""", "$.gateway.quotas.maxPayloadBytes", "invalid gateway section")]
    [InlineData("""{ "quotas": { "connectsPerSecondPerAccount": -1 } }""", "$.gateway.quotas.connectsPerSecondPerAccount", "0 (no limit) or more")]
    [InlineData("""{ "quotas": { "maxTopicSlashes": 0 } }""", "$.gateway.quotas.maxTopicSlashes", "1 to 65535")]
    [InlineData("""{ "faults": { "authorizerFailureRate": 1.5 } }""", "$.gateway.faults.authorizerFailureRate", "0 to 1")]
    [InlineData("""{ "faults": { "connectionDropRatePerSecond": -0.5 } }""", "$.gateway.faults.connectionDropRatePerSecond", "0 (off) or more")]
    [InlineData("""{ "faults": { "onboardingErrorRate": 1e400 } }""", "$.gateway.faults.onboardingErrorRate", "0 to 1")]
    [InlineData("""{ "authorizers": [ { "name": "a", "type": "1nce", "lambda": { "coldStartMs": 1e400 } } ], "defaultAuthorizer": "a" }""", "$.gateway.authorizers[0].lambda.coldStartMs", "finite")]
    [InlineData("""{ "onboardingTokensPerSecond": -3 }""", "$.gateway.onboardingTokensPerSecond", "0 or more")]
    [InlineData("""{ "accountId": "12345" }""", "$.gateway.accountId", "12 digits")]
    [InlineData("""{ "region": "EU Central" }""", "$.gateway.region", "AWS region")]
    public void AValueTheGatewayCannotUseIsRefusedWithItsLineAndPath(string section, string field, string reason)
    {
        using var tmp = new TempDir();
        var profile = tmp["profile.json"];

        // The section on its own lines, so that each key's line is known: line 3 onward.
        var pretty = JsonSerializer.Serialize(JsonDocument.Parse(section).RootElement, new JsonSerializerOptions { WriteIndented = true });
        File.WriteAllText(profile, "{\n  \"name\": \"bad-gateway\",\n  \"gateway\": " + pretty + "\n}\n");
        using var doc = JsonDocument.Parse(File.ReadAllText(profile));

        var e = Assert.Throws<InputException>(() => GatewayConfig.FromJson(doc.RootElement.GetProperty("gateway"), profile));
        Assert.Equal(field, e.Field);
        Assert.Contains(reason, e.Problem, StringComparison.Ordinal);
        Assert.Equal(profile, e.File);
        Assert.NotNull(e.Line);
        Assert.StartsWith($"{profile}:{e.Line} ({field}): ", e.Message, StringComparison.Ordinal);

        // The line is the key's own, or its nearest enclosing key's when the key is absent.
        var lines = File.ReadAllLines(profile);
        var key = field[(field.LastIndexOfAny(['.', '[']) + 1)..];
        Assert.True(lines[(int)e.Line!.Value - 1].Contains($"\"{key}\"", StringComparison.Ordinal) || !section.Contains($"\"{key}\"", StringComparison.Ordinal), $"line {e.Line}: {lines[(int)e.Line.Value - 1]}");
    }

    [Fact]
    public void TheShippedAndDocumentedSectionsStillLoad()
    {
        using var tmp = new TempDir();
        var profile = tmp["profile.json"];
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var key = JsonSerializer.Serialize(rsa.ExportSubjectPublicKeyInfoPem());
        var section = $$"""
            { "authorizers": [ { "name": "lambda", "type": "http", "calloutUrl": "https://user:pass@127.0.0.1:9/auth" },
                               { "name": "device-jwt", "type": "device-jwt", "signingDisabled": true, "disconnectAfterInSeconds": 2, "refreshAfterInSeconds": 60, "clockSkewSeconds": 0 },
                               { "name": "1nce-authorizer", "type": "1nce", "status": "INACTIVE", "tokenSigningPublicKeys": { "k1": {{key}} } } ],
              "defaultAuthorizer": "device-jwt", "quotas": { "connectsPerSecondPerAccount": 0 }, "faults": { "authorizerFailureRate": 1 } }
            """;
        File.WriteAllText(profile, "{ \"gateway\": " + section + " }");
        using var doc = JsonDocument.Parse(File.ReadAllText(profile));
        var options = GatewayConfig.FromJson(doc.RootElement.GetProperty("gateway"), profile);
        Assert.Equal(3, options.Authorizers.Count);
        Assert.Single(options.Authorizers[2].TokenSigningPublicKeys);

        // And every shipped profile's section.
        var shipped = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Peers.RepoRoot, "profiles"), "*.json", SearchOption.AllDirectories))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("gateway", out var g))
            {
                GatewayConfig.FromJson(g, file);
                shipped++;
            }
        }

        Assert.True(shipped >= 2, $"{shipped} shipped profiles with a gateway section");
    }
}
