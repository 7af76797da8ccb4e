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
            throw new InputException("invalid gateway section: " + JsonErrors.Plain(e), source, field: "$.gateway" + (e.Path is { } p ? p[1..] : string.Empty));
        }
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
}
