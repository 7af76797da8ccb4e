using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Simulator.Core.Errors;

namespace Simulator.Core.Load.Profiles;

/// <summary>
/// Loads and validates a profile. An unknown key, a wrong type or an impossible value is an
/// <see cref="InputException"/> naming the file, the JSON path and the line.
/// </summary>
public static class ProfileLoader
{
    private static readonly string[] TokenSources = ["1nce-onboarding", "device-jwt", "local-issuer"];
    private static readonly string[] Transports = ["wss-custom-auth", "mqtt-alpn", "https-publish", "mqtt-tcp"];
    private static readonly string[] PhaseKinds = ["ramp", "hold", "spike", "rampDown", "pause"];

    /// <param name="overrides">"path=value" pairs applied before validation, e.g. "fleet.count=500".</param>
    public static RunProfile Load(string path, IEnumerable<string>? overrides = null)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            throw new InputException("profile not found", path);
        }
        catch (DirectoryNotFoundException)
        {
            throw new InputException("profile not found", path);
        }

        return Parse(bytes, path, overrides);
    }

    public static RunProfile Parse(byte[] bytes, string source, IEnumerable<string>? overrides = null)
    {
        var overrideList = overrides?.ToList() ?? [];
        if (overrideList.Count > 0)
        {
            bytes = ApplyOverrides(bytes, source, overrideList);
        }

        RunProfile profile;
        try
        {
            profile = JsonSerializer.Deserialize(bytes, ProfileJsonContext.Default.RunProfile) ?? throw new InputException("the profile is null", source);
        }
        catch (JsonException e)
        {
            var message = e.Message;
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            throw new InputException("invalid profile: " + (cut > 0 ? message[..cut] : message), source, e.LineNumber + 1, e.Path);
        }

        var lines = JsonLineIndex.Build(bytes);
        void Fail(string jsonPath, string problem)
        {
            var probe = jsonPath;
            long? line = null;
            while (probe.Length > 0 && line is null)
            {
                if (lines.TryGetValue(probe, out var l))
                {
                    line = l;
                }
                else
                {
                    var cut = Math.Max(probe.LastIndexOf('.'), probe.LastIndexOf('['));
                    probe = cut > 0 ? probe[..cut] : string.Empty;
                }
            }

            throw new InputException(problem, source, line, jsonPath);
        }

        Validate(profile, Fail);
        return profile;
    }

    private static void Validate(RunProfile p, Action<string, string> fail)
    {
        if (p.Target.Kind is not ("embedded" or "endpoint"))
        {
            fail("$.target.kind", $"must be \"embedded\" or \"endpoint\", got \"{p.Target.Kind}\"");
        }

        if (p.Target.Kind == "endpoint" && string.IsNullOrEmpty(p.Target.Host))
        {
            fail("$.target.host", "an endpoint target needs a host (the IoT data endpoint)");
        }

        if (p.Target.Port is < 1 or > 65535)
        {
            fail("$.target.port", $"must be 1 to 65535, got {p.Target.Port}");
        }

        if (p.Fleet.Directory is null && p.Fleet.Count is < 1 or > Identity.FleetSpec.MaxCount)
        {
            fail("$.fleet.count", $"must be 1 to {Identity.FleetSpec.MaxCount}, got {p.Fleet.Count}");
        }

        if (!ulong.TryParse(p.Fleet.Seed, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            fail("$.fleet.seed", $"must be a decimal unsigned integer, got \"{p.Fleet.Seed}\"");
        }

        if (!TryParseShard(p.Fleet.Shard, out _, out _))
        {
            fail("$.fleet.shard", $"must be \"i/N\" with 0 <= i < N, got \"{p.Fleet.Shard}\"");
        }

        if (!TokenSources.Contains(p.Token.Source))
        {
            fail("$.token.source", $"must be one of {string.Join(", ", TokenSources)}, got \"{p.Token.Source}\"");
        }

        if (p.Token.Source == "local-issuer" && p.Target.Kind != "embedded")
        {
            fail("$.token.source", "local-issuer tokens are signed with the embedded gateway's keys; use it with target.kind = embedded");
        }

        if (p.Token.LifetimeSeconds is < 1 or > Tokens.DeviceTokenOptions.MaxLifetimeSeconds)
        {
            fail("$.token.lifetimeSeconds", $"must be 1 to {Tokens.DeviceTokenOptions.MaxLifetimeSeconds}, got {p.Token.LifetimeSeconds}");
        }

        if (p.Token.Claim is not ("sub" or "iss"))
        {
            fail("$.token.claim", $"must be \"sub\" or \"iss\", got \"{p.Token.Claim}\"");
        }

        if (!Transports.Contains(p.Transport.Kind))
        {
            fail("$.transport.kind", $"must be one of {string.Join(", ", Transports)}, got \"{p.Transport.Kind}\"");
        }

        if (p.Transport.Credentials is not ("headers" or "query"))
        {
            fail("$.transport.credentials", $"must be \"headers\" or \"query\", got \"{p.Transport.Credentials}\"");
        }

        for (var i = 0; i < p.Transport.SourceAddresses.Count; i++)
        {
            if (!System.Net.IPAddress.TryParse(p.Transport.SourceAddresses[i], out _))
            {
                fail($"$.transport.sourceAddresses[{i}]", $"\"{p.Transport.SourceAddresses[i]}\" is not an IP address");
            }
        }

        if (p.Transport.ConnectTimeoutSeconds is <= 0 or > 300)
        {
            fail("$.transport.connectTimeoutSeconds", $"must be above 0 and at most 300, got {p.Transport.ConnectTimeoutSeconds}");
        }

        if (p.Device.Scenario is not ("telemetry" or "nrfcloud-location"))
        {
            fail("$.device.scenario", $"must be \"telemetry\" or \"nrfcloud-location\", got \"{p.Device.Scenario}\"");
        }

        if (p.Device.Qos is not (0 or 1))
        {
            fail("$.device.qos", $"must be 0 or 1 (AWS IoT Core supports QoS 0 and 1), got {p.Device.Qos}");
        }

        if (p.Device.PublishIntervalSeconds <= 0)
        {
            fail("$.device.publishIntervalSeconds", $"must be above 0, got {p.Device.PublishIntervalSeconds}");
        }

        if (p.Device.Jitter is < 0 or > 1)
        {
            fail("$.device.jitter", $"must be 0 to 1, got {p.Device.Jitter}");
        }

        if (p.Device.KeepAliveSeconds is < 0 or > 65535)
        {
            fail("$.device.keepAliveSeconds", $"must be 0 to 65535, got {p.Device.KeepAliveSeconds}");
        }

        if (p.Device.Reconnect.BaseMilliseconds <= 0 || p.Device.Reconnect.MaxMilliseconds < p.Device.Reconnect.BaseMilliseconds)
        {
            fail("$.device.reconnect", "baseMilliseconds must be above 0 and maxMilliseconds at least baseMilliseconds");
        }

        if (p.Device.Reconnect.MaxAttempts < 1)
        {
            fail("$.device.reconnect.maxAttempts", $"must be at least 1, got {p.Device.Reconnect.MaxAttempts}");
        }

        if (p.Phases.Count == 0)
        {
            fail("$.phases", "at least one phase is needed");
        }

        var count = p.Fleet.Directory is null ? p.Fleet.Count : int.MaxValue;
        for (var i = 0; i < p.Phases.Count; i++)
        {
            var ph = p.Phases[i];
            var at = $"$.phases[{i}]";
            if (!PhaseKinds.Contains(ph.Kind))
            {
                fail($"{at}.kind", $"must be one of {string.Join(", ", PhaseKinds)}, got \"{ph.Kind}\"");
            }

            if (ph.Kind is "ramp" or "rampDown" && ph.Rate is not > 0)
            {
                fail($"{at}.rate", "a ramp needs a rate above 0 devices per second");
            }

            if (ph.Kind is "ramp" or "spike" && ph.To is null)
            {
                fail($"{at}.to", $"a {ph.Kind} needs a target device count");
            }

            if (ph.To is < 0 || ph.To > count)
            {
                fail($"{at}.to", $"must be 0 to the fleet size {count}, got {ph.To}");
            }

            if (ph.Kind is "hold" or "pause" or "spike" && ph.Seconds is not > 0)
            {
                fail($"{at}.seconds", $"a {ph.Kind} needs a duration above 0 seconds");
            }
        }

        if (p.Thresholds.ErrorRate is < 0 or > 1)
        {
            fail("$.thresholds.errorRate", $"must be 0 to 1, got {p.Thresholds.ErrorRate}");
        }
    }

    public static bool TryParseShard(string text, out int index, out int count)
    {
        index = count = 0;
        var parts = text.Split('/');
        return parts.Length == 2
            && int.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out index)
            && int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out count)
            && count >= 1 && index >= 0 && index < count;
    }

    private static byte[] ApplyOverrides(byte[] bytes, string source, List<string> overrides)
    {
        JsonNode root;
        try
        {
            root = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) ?? new JsonObject();
        }
        catch (JsonException e)
        {
            throw new InputException("invalid profile: " + e.Message, source, e.LineNumber + 1);
        }

        foreach (var o in overrides)
        {
            var eq = o.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new InputException($"--set must be path=value, got '{o}'", field: "--set");
            }

            var keys = o[..eq].Split('.');
            var node = root;
            foreach (var key in keys[..^1])
            {
                node = node[key] ??= new JsonObject();
            }

            var text = o[(eq + 1)..];
            JsonNode? value;
            try
            {
                value = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                value = JsonValue.Create(text);
            }

            node[keys[^1]] = value;
        }

        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }
}
