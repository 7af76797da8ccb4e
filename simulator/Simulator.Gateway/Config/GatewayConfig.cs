using System.Text.Json;
using Simulator.Core.Errors;

namespace Simulator.Gateway.Config;

/// <summary>Reads a gateway config file; a bad key or value is an error naming the file, line and JSON path.</summary>
public static class GatewayConfig
{
    public static GatewayOptions Load(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Checked(JsonSerializer.Deserialize(stream, GatewayConfigJsonContext.Default.GatewayOptions) ?? throw new InputException("the config is null", path), path, "$");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InputException("config file not found", path);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new InputException($"the config cannot be read: {e.Message}", path);
        }
        catch (JsonException e)
        {
            throw new InputException("invalid gateway config: " + JsonErrors.Plain(e), path, e.LineNumber + 1, e.Path);
        }
        catch (InputException e) when (e.Line is null && e.Field is { } field && e.File == path)
        {
            throw new InputException(e.Problem, path, LineOf(path, field), field);
        }
    }

    /// <summary>The "gateway" section of a run profile.</summary>
    public static GatewayOptions FromJson(JsonElement section, string source)
    {
        try
        {
            return Checked(section.Deserialize(GatewayConfigJsonContext.Default.GatewayOptions) ?? new GatewayOptions(), source, "$.gateway");
        }
        catch (JsonException e)
        {
            var field = "$.gateway" + (e.Path is { } p ? p[1..] : string.Empty);
            throw new InputException("invalid gateway section: " + JsonErrors.Plain(e), source, LineOf(source, field), field);
        }
        catch (InputException e) when (e.Line is null && e.Field is { } field)
        {
            throw new InputException(e.Problem, source, LineOf(source, field), field);
        }
    }

    /// <summary>The line of <paramref name="field"/> (or of the nearest enclosing key present) in the profile file; null when it cannot be read.</summary>
    private static long? LineOf(string source, string field)
    {
        Dictionary<string, long> lines;
        try
        {
            lines = JsonLineIndex.Build(File.ReadAllBytes(source));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }

        for (var at = field; ;)
        {
            if (lines.TryGetValue(at, out var line))
            {
                return line;
            }

            var cut = Math.Max(at.LastIndexOf('.'), at.LastIndexOf('['));
            if (cut <= 1)
            {
                break;
            }

            at = at[..cut];
        }

        return null;
    }

    /// <summary>Values the JSON types allow but the gateway cannot use.</summary>
    private static GatewayOptions Checked(GatewayOptions o, string source, string at)
    {
        if (!System.Net.IPAddress.TryParse(o.ListenAddress, out _))
        {
            throw new InputException($"\"{o.ListenAddress}\" is not an IP address to listen on", source, field: at + ".listenAddress");
        }

        if (o.Port is < 0 or > 65535)
        {
            throw new InputException($"must be 0 to 65535 (0 picks a free one), got {o.Port}", source, field: at + ".port");
        }

        if (!Core.Mqtt.MqttReasonCodes.IsValid(Core.Mqtt.MqttPacketType.ConnAck, o.Mqtt5.CustomAuthDenyReasonCode) || o.Mqtt5.CustomAuthDenyReasonCode < 0x80)
        {
            throw new InputException($"must be a CONNACK failure reason code (0x80 to 0x9F, MQTT 5.0 §3.2.2.2), e.g. 135 (0x87 Not authorized) or 134 (0x86 Bad User Name or Password); got {o.Mqtt5.CustomAuthDenyReasonCode}", source, field: at + ".mqtt5.customAuthDenyReasonCode");
        }

        if (o.TlsHandshakeTimeoutSeconds is < 1 or > 600)
        {
            throw new InputException($"must be 1 to 600 seconds, got {o.TlsHandshakeTimeoutSeconds}", source, field: at + ".tlsHandshakeTimeoutSeconds");
        }

        if (o.Mqtt5.MaxSessionExpirySeconds > 604_800)
        {
            throw new InputException($"must be at most 604800 (AWS's 7 days), got {o.Mqtt5.MaxSessionExpirySeconds}", source, field: at + ".mqtt5.maxSessionExpirySeconds");
        }

        if (o.Quotas.MaxQueuedMessagesPerSession < 0 || o.Quotas.QueuedMessagesPerSecondPerAccount < 0 || o.Quotas.QueuedDeliveriesPerSecond < 0)
        {
            var (name, value) = o.Quotas.MaxQueuedMessagesPerSession < 0 ? ("maxQueuedMessagesPerSession", o.Quotas.MaxQueuedMessagesPerSession)
                : o.Quotas.QueuedMessagesPerSecondPerAccount < 0 ? ("queuedMessagesPerSecondPerAccount", o.Quotas.QueuedMessagesPerSecondPerAccount)
                : ("queuedDeliveriesPerSecond", o.Quotas.QueuedDeliveriesPerSecond);
            throw new InputException($"must be 0 or more (0 stores nothing for a cap, turns a rate off), got {value}", source, field: at + ".quotas." + name);
        }

        if (o.Mqtt5.ReceiveMaximum == 0)
        {
            throw new InputException("must be 1 to 65535 (MQTT 5.0 §3.2.2.3.3)", source, field: at + ".mqtt5.receiveMaximum");
        }

        if (o.LambdaAccount.Concurrency < 0 || o.LambdaAccount.OtherFunctionsConcurrency < 0)
        {
            throw new InputException("must be 0 or more (a concurrency of 0 is unlimited)", source, field: at + ".lambdaAccount." + (o.LambdaAccount.Concurrency < 0 ? "concurrency" : "otherFunctionsConcurrency"));
        }

        if (o.LambdaAccount.Concurrency > 0 && o.LambdaAccount.OtherFunctionsConcurrency >= o.LambdaAccount.Concurrency)
        {
            throw new InputException($"must be below the account's concurrency ({o.LambdaAccount.Concurrency}), got {o.LambdaAccount.OtherFunctionsConcurrency}: the authorizers would have none", source, field: at + ".lambdaAccount.otherFunctionsConcurrency");
        }

        CheckedQuotasAndFaults(o, source, at);
        CheckedAuthorizers(o, source, at);
        for (var i = 0; i < o.Authorizers.Count; i++)
        {
            if (o.Authorizers[i].Lambda is not { } l)
            {
                continue;
            }

            var field = $"{at}.authorizers[{i}].lambda";
            if (l.Concurrency < 0)
            {
                throw new InputException($"must be 0 (unlimited) or more, got {l.Concurrency}", source, field: field + ".concurrency");
            }

            Finite(l.DurationP50Ms, field + ".durationP50Ms", source);
            Finite(l.DurationP99Ms, field + ".durationP99Ms", source);
            Finite(l.ColdStartMs, field + ".coldStartMs", source);
            Finite(l.IdleExpirySeconds, field + ".idleExpirySeconds", source);
            if (l.DurationP50Ms < 0 || l.ColdStartMs < 0)
            {
                throw new InputException("durations must be 0 or more", source, field: field + (l.DurationP50Ms < 0 ? ".durationP50Ms" : ".coldStartMs"));
            }

            if (l.DurationP99Ms != 0 && l.DurationP99Ms < l.DurationP50Ms)
            {
                throw new InputException($"must be at least durationP50Ms ({l.DurationP50Ms}), got {l.DurationP99Ms}", source, field: field + ".durationP99Ms");
            }

            if (l.TimeoutMs is < 1 or > 900_000)
            {
                throw new InputException($"must be 1 to 900000 ms (Lambda's limit is 15 minutes; AWS IoT custom auth gives up at 5000), got {l.TimeoutMs}", source, field: field + ".timeoutMs");
            }

            if (l.ScaleUpPer10Seconds < 0)
            {
                throw new InputException($"must be 0 (unlimited) or more, got {l.ScaleUpPer10Seconds}", source, field: field + ".scaleUpPer10Seconds");
            }

            if (l.IdleExpirySeconds <= 0)
            {
                throw new InputException($"must be above 0, got {l.IdleExpirySeconds}", source, field: field + ".idleExpirySeconds");
            }
        }

        return o;
    }

    /// <summary>Rates, caps and faults: what a negative or unbounded value would do is not defined.</summary>
    private static void CheckedQuotasAndFaults(GatewayOptions o, string source, string at)
    {
        var q = o.Quotas;
        foreach (var (name, value) in new (string, int)[]
        {
            ("connectsPerSecondPerAccount", q.ConnectsPerSecondPerAccount), ("connectsPerSecondPerClientId", q.ConnectsPerSecondPerClientId),
            ("subscriptionsPerSecondPerAccount", q.SubscriptionsPerSecondPerAccount), ("inboundPublishesPerSecondPerAccount", q.InboundPublishesPerSecondPerAccount),
            ("outboundPublishesPerSecondPerAccount", q.OutboundPublishesPerSecondPerAccount), ("publishesPerSecondPerConnection", q.PublishesPerSecondPerConnection),
        })
        {
            if (value < 0)
            {
                throw new InputException($"must be 0 (no limit) or more, got {value}", source, field: $"{at}.quotas.{name}");
            }
        }

        foreach (var (name, value, max) in new (string, int, int)[]
        {
            ("maxPayloadBytes", q.MaxPayloadBytes, 268_435_455), ("maxTopicBytes", q.MaxTopicBytes, 65_535), ("maxTopicSlashes", q.MaxTopicSlashes, 65_535),
            ("maxSubscriptionsPerConnection", q.MaxSubscriptionsPerConnection, int.MaxValue), ("maxFiltersPerSubscribe", q.MaxFiltersPerSubscribe, int.MaxValue),
        })
        {
            // MQTT's remaining length caps a packet at 268,435,455 bytes (§2.2.3) and a topic at 65,535 (§1.5.4).
            if (value < 1 || value > max)
            {
                throw new InputException($"must be 1 to {max}, got {value}", source, field: $"{at}.quotas.{name}");
            }
        }

        if (o.OnboardingTokenLifetimeSeconds < 1)
        {
            throw new InputException($"must be 1 or more seconds, got {o.OnboardingTokenLifetimeSeconds}", source, field: at + ".onboardingTokenLifetimeSeconds");
        }

        if (o.OnboardingTokensPerSecond < 0 || o.MinimumAuthTtlSeconds < 0)
        {
            var (name, value) = o.OnboardingTokensPerSecond < 0 ? ("onboardingTokensPerSecond", o.OnboardingTokensPerSecond) : ("minimumAuthTtlSeconds", o.MinimumAuthTtlSeconds);
            throw new InputException($"must be 0 or more, got {value}", source, field: $"{at}.{name}");
        }

        if (o.AccountId.Length != 12 || !o.AccountId.All(char.IsAsciiDigit))
        {
            throw new InputException($"must be an AWS account id: 12 digits, got '{o.AccountId}'", source, field: at + ".accountId");
        }

        if (o.Region.Length == 0 || !o.Region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            throw new InputException($"must be an AWS region such as eu-central-1, got '{o.Region}'", source, field: at + ".region");
        }

        if (Uri.CheckHostName(o.EndpointName) == UriHostNameType.Unknown)
        {
            throw new InputException($"must be a host name (the certificate's and the SNI's), got '{o.EndpointName}'", source, field: at + ".endpointName");
        }

        var f = o.Faults;
        Fraction(f.OnboardingErrorRate, at + ".faults.onboardingErrorRate", source);
        Fraction(f.AuthorizerFailureRate, at + ".faults.authorizerFailureRate", source);
        Finite(f.ConnectionDropRatePerSecond, at + ".faults.connectionDropRatePerSecond", source);
        if (f.ConnectionDropRatePerSecond < 0 || f.AuthorizerLatencyMs < 0 || f.DeliveryLossEvery < 0)
        {
            var (name, value) = f.ConnectionDropRatePerSecond < 0 ? ("connectionDropRatePerSecond", f.ConnectionDropRatePerSecond)
                : f.AuthorizerLatencyMs < 0 ? ("authorizerLatencyMs", (double)f.AuthorizerLatencyMs) : ("deliveryLossEvery", f.DeliveryLossEvery);
            throw new InputException($"must be 0 (off) or more, got {value}", source, field: $"{at}.faults.{name}");
        }
    }

    /// <summary>Each authorizer as AWS's CreateAuthorizer would take it, and the default among them.</summary>
    private static void CheckedAuthorizers(GatewayOptions o, string source, string at)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < o.Authorizers.Count; i++)
        {
            var a = o.Authorizers[i];
            var field = $"{at}.authorizers[{i}]";

            // CreateAuthorizer: authorizerName [\w=,@-]+, 1 to 128; tokenKeyName [a-zA-Z0-9_-]+, 1 to 128.
            if (a.Name is not { Length: > 0 and <= 128 } || !a.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '=' or ',' or '@' or '-'))
            {
                throw new InputException($"must be 1 to 128 letters, digits or _=,@- (an AWS authorizer name), got '{a.Name}'", source, field: field + ".name");
            }

            if (!names.Add(a.Name))
            {
                throw new InputException($"a second authorizer named '{a.Name}': names are unique", source, field: field + ".name");
            }

            if (a.Type is not ("1nce" or "device-jwt" or "http"))
            {
                throw new InputException($"must be 1nce, device-jwt or http, got '{a.Type}'", source, field: field + ".type");
            }

            if (a.TokenKeyName is not { Length: > 0 and <= 128 } || !a.TokenKeyName.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                throw new InputException($"must be 1 to 128 letters, digits, _ or - (AWS's token key name), got '{a.TokenKeyName}'", source, field: field + ".tokenKeyName");
            }

            if (a.Status is not ("ACTIVE" or "INACTIVE"))
            {
                throw new InputException($"must be ACTIVE or INACTIVE, got '{a.Status}'", source, field: field + ".status");
            }

            if (a.Type == "http")
            {
                if (a.CalloutUrl is null)
                {
                    throw new InputException("an http authorizer needs calloutUrl, where the gateway POSTs each authorization event", source, field: field + ".calloutUrl");
                }

                if (!Uri.TryCreate(a.CalloutUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                {
                    throw new InputException("must be an absolute http or https URL", source, field: field + ".calloutUrl");
                }
            }
            else if (a.CalloutUrl is not null)
            {
                throw new InputException($"only an http authorizer calls out; a {a.Type} authorizer would ignore it", source, field: field + ".calloutUrl");
            }

            if (a.PolicyTemplate is { } template)
            {
                if (a.Type != "device-jwt")
                {
                    throw new InputException($"only a device-jwt authorizer grants a policy template; a {a.Type} authorizer would ignore it", source, field: field + ".policyTemplate");
                }

                try
                {
                    using var policy = JsonDocument.Parse(template.Replace("{region}", o.Region, StringComparison.Ordinal).Replace("{account}", o.AccountId, StringComparison.Ordinal).Replace("{deviceId}", "device", StringComparison.Ordinal));
                    if (policy.RootElement.ValueKind != JsonValueKind.Object || !policy.RootElement.TryGetProperty("Statement", out var statement) || statement.ValueKind is not (JsonValueKind.Array or JsonValueKind.Object))
                    {
                        throw new InputException("is not a policy document: it has no Statement", source, field: field + ".policyTemplate");
                    }
                }
                catch (JsonException e)
                {
                    throw new InputException($"is not a policy document once {{deviceId}}, {{region}} and {{account}} are filled in: {JsonErrors.Plain(e)}", source, field: field + ".policyTemplate");
                }
            }

            foreach (var (keyName, pem) in a.TokenSigningPublicKeys)
            {
                try
                {
                    using var rsa = System.Security.Cryptography.RSA.Create();
                    rsa.ImportFromPem(pem);
                }
                catch (Exception e) when (e is ArgumentException or System.Security.Cryptography.CryptographicException)
                {
                    throw new InputException("is not an RSA public key in PEM (-----BEGIN PUBLIC KEY-----)", source, field: $"{field}.tokenSigningPublicKeys.{keyName}");
                }
            }

            if (a.ClockSkewSeconds is < 0 or > 3600)
            {
                throw new InputException($"must be 0 to 3600 seconds, got {a.ClockSkewSeconds}", source, field: field + ".clockSkewSeconds");
            }

            if (a.MaxTokenLifetimeSeconds < 1)
            {
                throw new InputException($"must be 1 or more seconds, got {a.MaxTokenLifetimeSeconds}", source, field: field + ".maxTokenLifetimeSeconds");
            }

            // AWS takes 300 to 86,400 s for both; shorter ones are the gateway's own, for tests that cut sessions fast.
            if (a.DisconnectAfterInSeconds is < 1 or > 86_400 || a.RefreshAfterInSeconds is < 1 or > 86_400)
            {
                var (name, value) = a.DisconnectAfterInSeconds is < 1 or > 86_400 ? ("disconnectAfterInSeconds", a.DisconnectAfterInSeconds) : ("refreshAfterInSeconds", a.RefreshAfterInSeconds);
                throw new InputException($"must be 1 to 86400 seconds (AWS: 300 to 86400), got {value}", source, field: $"{field}.{name}");
            }
        }

        if (o.DefaultAuthorizer == GatewayOptions.BuiltInDefaultAuthorizer && !names.Contains(o.DefaultAuthorizer))
        {
            // Left at its default by a config whose authorizers have other names: no default, as a domain without one on AWS.
            o.DefaultAuthorizer = null;
        }

        if (o.DefaultAuthorizer is { } d && !names.Contains(d))
        {
            throw new InputException($"no authorizer is named '{d}' (there are: {(names.Count == 0 ? "none" : string.Join(", ", names))})", source, field: at + ".defaultAuthorizer");
        }
    }

    private static void Finite(double value, string field, string source)
    {
        if (!double.IsFinite(value))
        {
            throw new InputException("must be a finite number", source, field: field);
        }
    }

    private static void Fraction(double value, string field, string source)
    {
        if (!double.IsFinite(value) || value is < 0 or > 1)
        {
            throw new InputException($"must be 0 to 1, got {value}", source, field: field);
        }
    }
}
