using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Simulator.Core.Errors;

namespace Simulator.Core.Load.Profiles;

/// <summary>
/// Loads and validates a profile, once, into <see cref="RunOptions"/>. An unknown key, a wrong
/// type or an impossible value is an <see cref="InputException"/> naming the file, the JSON path
/// and the line.
/// </summary>
public static class ProfileLoader
{
    /// <param name="overrides">"path=value" pairs applied before validation, e.g. "fleet.count=500".</param>
    public static RunOptions Load(string path, IEnumerable<string>? overrides = null)
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
        catch (UnauthorizedAccessException)
        {
            throw new InputException(Directory.Exists(path) ? "this is a folder; a profile is a JSON file (e.g. profiles/smoke.json)" : "the profile cannot be read (permission denied)", path);
        }
        catch (IOException e)
        {
            throw new InputException($"the profile cannot be read: {e.Message}", path);
        }

        return Parse(bytes, path, overrides);
    }

    public static RunOptions Parse(byte[] bytes, string source, IEnumerable<string>? overrides = null) => Parse(bytes, source, overrides, written: false);

    /// <summary>
    /// A profile as results wrote it (summary.json, run.json): its seed is only a fingerprint, so
    /// the options say so (<see cref="FleetOptions.Seed"/> null), and no fleet can be built from them.
    /// </summary>
    public static RunOptions ParseWritten(JsonObject written, string file, string field)
    {
        try
        {
            return Parse(Encoding.UTF8.GetBytes(written.ToJsonString()), file, overrides: null, written: true);
        }
        catch (InputException e)
        {
            throw new InputException($"its profile cannot be read back: {e.Problem}", file, field: field + (e.Field is { } f ? "." + f.TrimStart('$', '.') : string.Empty));
        }
    }

    private static RunOptions Parse(byte[] bytes, string source, IEnumerable<string>? overrides, bool written)
    {
        var overrideList = overrides?.ToList() ?? [];
        var original = bytes;
        var overridden = new Dictionary<string, string>(StringComparer.Ordinal);
        if (overrideList.Count > 0)
        {
            bytes = ApplyOverrides(bytes, source, overrideList, overridden);
        }

        // Lines come from the file as written; a path set by --set is blamed on the --set.
        var lines = JsonLineIndex.Build(original);
        InputException Problem(string jsonPath, string problem)
        {
            foreach (var (path, text) in overridden)
            {
                if (jsonPath == path || jsonPath.StartsWith(path + ".", StringComparison.Ordinal) || jsonPath.StartsWith(path + "[", StringComparison.Ordinal))
                {
                    return new InputException(problem, field: $"--set {text}");
                }
            }

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

            return new InputException(problem, source, line, jsonPath);
        }

        ProfileDocument profile;
        try
        {
            profile = JsonSerializer.Deserialize(bytes, ProfileJsonContext.Default.ProfileDocument) ?? throw new InputException("the profile is null", source);
        }
        catch (JsonException e)
        {
            var message = JsonErrors.Plain(e);
            if (e.Path is { } path && overridden.Count > 0)
            {
                throw Problem(path, message);
            }

            throw new InputException(message, source, e.LineNumber + 1, e.Path);
        }

        var document = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();
        var phases = Validate(profile, written, document.ContainsKey("capacity"), (path, problem) => throw Problem(path, problem));
        return Options(profile, phases, document);
    }

    /// <summary>The validated document as options: every text parsed once.</summary>
    private static RunOptions Options(ProfileDocument p, IReadOnlyList<PhaseSettings> phases, JsonObject document) => new()
    {
        Name = p.Name,
        Description = p.Description,
        Target = new TargetOptions
        {
            Kind = p.Target.Kind,
            Host = p.Target.Host,
            Port = p.Target.Port,
            Address = p.Target.Address is { } address ? System.Net.IPAddress.Parse(address) : null,
            CaFile = p.Target.CaFile,
            Insecure = p.Target.Insecure,
            OnboardingUrl = p.Target.OnboardingUrl,
            NrfCloudUrl = p.Target.NrfCloudUrl,
        },
        Fleet = new FleetOptions
        {
            Count = p.Fleet.Count,
            Seed = p.Fleet.SeedFingerprint is null ? Identity.FleetSeed.Parse(p.Fleet.Seed) : null,
            SeedFingerprint = p.Fleet.SeedFingerprint,
            Shard = p.Fleet.Shard == ShardAssignment.Auto ? null : FleetShard.TryParse(p.Fleet.Shard, out var shard) ? shard : throw new InvalidOperationException("validated above"),
            Directory = p.Fleet.Directory,
        },
        Token = p.Token,
        Transport = new DeviceTransportOptions
        {
            Kind = p.Transport.Kind,
            Subprotocol = p.Transport.Subprotocol,
            Credentials = p.Transport.Credentials,
            SourceAddresses = [.. p.Transport.SourceAddresses.Select(System.Net.IPAddress.Parse)],
            ConnectTimeoutSeconds = p.Transport.ConnectTimeoutSeconds,
            TlsResume = p.Transport.TlsResume,
            Tls = p.Transport.Tls,
        },
        Device = p.Device,
        Phases = phases,
        Arrivals = p.Arrivals,
        WarmUp = p.WarmUp,
        StartAt = p.StartAt is { } startAt && TryParseInstant(startAt, out var at) ? at : null,
        Thresholds = p.Thresholds,
        Capacity = p.Capacity,
        Gateway = p.Gateway,
        Document = document,
    };

    /// <summary>Checks every value, and returns the plan with each ramp's and spike's "to" filled in.</summary>
    private static List<PhaseSettings> Validate(ProfileDocument p, bool written, bool hasCapacity, Action<string, string> fail)
    {
        if (p.Target.Kind == TargetKind.Endpoint)
        {
            if (string.IsNullOrEmpty(p.Target.Host))
            {
                fail("$.target.host", "an endpoint target needs a host (the IoT data endpoint)");
            }

            if (p.Target.Address is { } address && !System.Net.IPAddress.TryParse(address, out _))
            {
                fail("$.target.address", $"\"{address}\" is not an IP address");
            }

            if (p.Token.Source == TokenSourceKind.OnceOnboarding && !IsHttpsUrl(p.Target.OnboardingUrl))
            {
                fail("$.target.onboardingUrl", "1nce-onboarding tokens against an endpoint target need an absolute https URL of the onboarding API");
            }

            if (p.Device.Scenario == ScenarioKind.NrfCloudLocation && !IsHttpsUrl(p.Target.NrfCloudUrl))
            {
                fail("$.target.nrfCloudUrl", "the nrfcloud-location scenario against an endpoint target needs an absolute https URL of the nRF Cloud REST API");
            }
        }

        if (p.Target.Port is < 1 or > 65535)
        {
            fail("$.target.port", $"must be 1 to 65535, got {p.Target.Port}");
        }

        if (p.Fleet.Directory is null && p.Fleet.Count is < 1 or > Identity.FleetSpec.MaxCount)
        {
            fail("$.fleet.count", $"must be 1 to {Identity.FleetSpec.MaxCount}, got {p.Fleet.Count}");
        }

        if (p.Fleet.SeedFingerprint is not null && !written)
        {
            fail("$.fleet.seedFingerprint", "is what results write in place of the seed; a profile gives fleet.seed");
        }

        if (p.Fleet.SeedFingerprint is null && !Identity.FleetSeed.TryParse(p.Fleet.Seed, out _))
        {
            fail("$.fleet.seed", $"must be a decimal unsigned integer or 64 hex digits, got \"{p.Fleet.Seed}\"");
        }

        if (p.StartAt is { } startAt && !TryParseInstant(startAt, out _))
        {
            fail("$.startAt", $"must be an RFC 3339 instant with its offset, e.g. \"2026-11-24T10:00:00Z\", got \"{startAt}\"");
        }

        if (p.Fleet.Shard != ShardAssignment.Auto && !FleetShard.TryParse(p.Fleet.Shard, out _))
        {
            fail("$.fleet.shard", $"must be \"i/N\" with 0 <= i < N, or \"auto\" ({ShardAssignment.IndexVariable} and --shards), got \"{p.Fleet.Shard}\"");
        }

        if (p.Token.Source == TokenSourceKind.LocalIssuer && p.Target.Kind != TargetKind.Embedded)
        {
            fail("$.token.source", "local-issuer tokens are signed with the embedded gateway's keys; use it with target.kind = embedded");
        }

        if (p.Token.LifetimeSeconds is < 1 or > Tokens.DeviceTokenOptions.MaxLifetimeSeconds)
        {
            fail("$.token.lifetimeSeconds", $"must be 1 to {Tokens.DeviceTokenOptions.MaxLifetimeSeconds}, got {p.Token.LifetimeSeconds}");
        }

        if (p.Token.RefreshBeforeSeconds < 0)
        {
            fail("$.token.refreshBeforeSeconds", $"must be 0 or more, got {p.Token.RefreshBeforeSeconds}");
        }

        for (var i = 0; i < p.Transport.SourceAddresses.Count; i++)
        {
            if (!System.Net.IPAddress.TryParse(p.Transport.SourceAddresses[i], out _))
            {
                fail($"$.transport.sourceAddresses[{i}]", $"\"{p.Transport.SourceAddresses[i]}\" is not an IP address");
            }
        }

        if (p.Transport.Credentials == CredentialsMode.Username && p.Transport.Kind != DeviceTransportKind.WssCustomAuth)
        {
            fail("$.transport.credentials", "\"username\" is the WebSocket form of custom auth (a bare upgrade, the values in the MQTT username); mqtt-alpn always uses the username, https-publish takes headers or query");
        }

        if (p.Transport.Tls == Transport.TlsProvider.OpenSsl && Transport.TlsProviders.OpenSslUnavailableReason is { } noOpenSsl)
        {
            fail("$.transport.tls", $"\"openssl\" cannot be used here: {noOpenSsl}; use \"sslstream\" or leave it out");
        }

        if (p.Transport.ConnectTimeoutSeconds is <= 0 or > 300)
        {
            fail("$.transport.connectTimeoutSeconds", $"must be above 0 and at most 300, got {p.Transport.ConnectTimeoutSeconds}");
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

        if (p.Device.SessionSeconds < 0)
        {
            fail("$.device.sessionSeconds", $"must be 0 (stay connected) or more, got {p.Device.SessionSeconds}");
        }

        if (p.Device.SessionLifetimeSeconds is <= 0)
        {
            fail("$.device.sessionLifetimeSeconds", $"must be above 0, got {p.Device.SessionLifetimeSeconds}");
        }

        if (p.Device.AckTimeoutSeconds is <= 0 or > 3600)
        {
            fail("$.device.ackTimeoutSeconds", $"must be above 0 and at most 3600, got {p.Device.AckTimeoutSeconds}");
        }

        if (p.Device.Topic.Length == 0 || p.Device.Topic.Contains('#', StringComparison.Ordinal) || p.Device.Topic.Contains('+', StringComparison.Ordinal))
        {
            fail("$.device.topic", $"must be a non-empty topic without wildcards, got \"{p.Device.Topic}\"");
        }

        if (p.Device.Reconnect.BaseMilliseconds <= 0 || p.Device.Reconnect.MaxMilliseconds < p.Device.Reconnect.BaseMilliseconds)
        {
            fail("$.device.reconnect", "baseMilliseconds must be above 0 and maxMilliseconds at least baseMilliseconds");
        }

        if (p.Device.Reconnect.MaxAttempts < 1)
        {
            fail("$.device.reconnect.maxAttempts", $"must be at least 1, got {p.Device.Reconnect.MaxAttempts}");
        }

        // A capacity search makes each step's plan itself: its profile needs no phases.
        if (p.Phases.Count == 0 && !hasCapacity)
        {
            fail("$.phases", "at least one phase is needed (or a capacity section, for simulator capacity)");
        }

        var count = p.Fleet.Directory is null ? p.Fleet.Count : int.MaxValue;
        var phases = new List<PhaseSettings>(p.Phases.Count);
        for (var i = 0; i < p.Phases.Count; i++)
        {
            var ph = p.Phases[i];
            var at = $"$.phases[{i}]";
            if (ph.Kind is PhaseKind.Ramp or PhaseKind.RampDown && ph.Rate is not > 0)
            {
                fail($"{at}.rate", "a ramp needs a rate above 0 devices per second");
            }

            if (ph.Kind == PhaseKind.Arrivals && ph.Rate is not > 0)
            {
                fail($"{at}.rate", "arrivals need a rate above 0 connects per second");
            }

            if (ph.Kind == PhaseKind.Arrivals && p.Device.Scenario == ScenarioKind.NrfCloudLocation)
            {
                fail($"{at}.kind", "arrivals connect devices once; the nrfcloud-location scenario has no single connect to offer");
            }

            if (ph.Kind == PhaseKind.Arrivals && ph.To is not null)
            {
                fail($"{at}.to", "arrivals leave the standing fleet as it is; give rate and seconds, not to");
            }

            if (ph.Kind is PhaseKind.Ramp or PhaseKind.Spike && ph.To is null)
            {
                ph = ph with { To = count == int.MaxValue ? null : count }; // "to" left out: the whole fleet
                if (ph.To is null)
                {
                    fail($"{at}.to", $"a {ProfileEnumConverter<PhaseKind>.ToName(ph.Kind)} over a fleet directory needs a target device count");
                }
            }

            if (ph.To is < 0 || ph.To > count)
            {
                fail($"{at}.to", $"must be 0 to the fleet size {count}, got {ph.To}");
            }

            if (ph.Kind is PhaseKind.Hold or PhaseKind.Pause or PhaseKind.Spike or PhaseKind.Arrivals && ph.Seconds is not > 0)
            {
                fail($"{at}.seconds", $"a {ProfileEnumConverter<PhaseKind>.ToName(ph.Kind)} needs a duration above 0 seconds");
            }

            phases.Add(ph);
        }

        var c = p.Capacity;
        if (c.StartRate is not > 0)
        {
            fail("$.capacity.startRate", $"must be above 0 connects per second, got {c.StartRate}");
        }

        if (c.MaxRate < c.StartRate)
        {
            fail("$.capacity.maxRate", $"must be at least startRate ({c.StartRate}), got {c.MaxRate}");
        }

        if (c.Growth is not > 1 || c.Growth > 10)
        {
            fail("$.capacity.growth", $"must be above 1 and at most 10, got {c.Growth}");
        }

        if (c.StepSeconds is < 2 or > 3600)
        {
            fail("$.capacity.stepSeconds", $"must be 2 to 3600 seconds, got {c.StepSeconds}");
        }

        if (c.SessionSeconds is < 0 or > 600)
        {
            fail("$.capacity.sessionSeconds", $"must be 0 (leave at CONNACK) to 600, got {c.SessionSeconds}");
        }

        if (c.RefineSteps is < 0 or > 10)
        {
            fail("$.capacity.refineSteps", $"must be 0 to 10, got {c.RefineSteps}");
        }

        if (c.Retries is < 0 or > 10)
        {
            fail("$.capacity.retries", $"must be 0 to 10, got {c.Retries}");
        }

        if (c.CooldownSeconds is < 0 or > 600)
        {
            fail("$.capacity.cooldownSeconds", $"must be 0 to 600, got {c.CooldownSeconds}");
        }

        if (c.Limits.ErrorRate is < 0 or > 1)
        {
            fail("$.capacity.limits.errorRate", $"must be 0 to 1, got {c.Limits.ErrorRate}");
        }

        if (c.Limits.ConnectP99Ms is not > 0)
        {
            fail("$.capacity.limits.connectP99Ms", $"must be above 0, got {c.Limits.ConnectP99Ms}");
        }

        if (c.Limits.MinAchievedShare is < 0 or > 1)
        {
            fail("$.capacity.limits.minAchievedShare", $"must be 0 to 1, got {c.Limits.MinAchievedShare}");
        }

        if (p.WarmUp.Devices is < 0 or > 1000)
        {
            fail("$.warmUp.devices", $"must be 0 (off) to 1000, got {p.WarmUp.Devices}");
        }

        var t = p.Thresholds ?? ThresholdSettings.DefaultsFor(p.Phases);
        if (t.ErrorRate is < 0 or > 1)
        {
            fail("$.thresholds.errorRate", $"must be 0 to 1, got {t.ErrorRate}");
        }

        if (t.MinConnectedShare is < 0 or > 1)
        {
            fail("$.thresholds.minConnectedShare", $"must be 0 to 1, got {t.MinConnectedShare}");
        }

        if (t.MaxGeneratorCpu is <= 0 or > 100)
        {
            fail("$.thresholds.maxGeneratorCpu", $"must be above 0 and at most 100 (percent of all cores), got {t.MaxGeneratorCpu}");
        }

        foreach (var (name, value) in new[] { ("connectP99Ms", t.ConnectP99Ms), ("connectP50Ms", t.ConnectP50Ms), ("pubAckP99Ms", t.PubAckP99Ms), ("maxSchedulerLagMs", t.MaxSchedulerLagMs) })
        {
            if (value is <= 0)
            {
                fail($"$.thresholds.{name}", $"must be above 0 ms, got {value}");
            }
        }

        return phases;
    }

    private static bool IsHttpsUrl(string? text) => Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;

    /// <summary>An RFC 3339 instant: date, time and an explicit offset (Z or ±hh:mm).</summary>
    public static bool TryParseInstant(string text, out DateTimeOffset instant)
    {
        instant = default;
        var t = text.Trim();
        var hasOffset = t.EndsWith('Z') || t.EndsWith('z') || (t.Length > 6 && (t[^6] == '+' || t[^6] == '-') && t[^3] == ':');
        return hasOffset && t.Contains('T', StringComparison.OrdinalIgnoreCase)
            && DateTimeOffset.TryParse(t, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out instant);
    }

    private static byte[] ApplyOverrides(byte[] bytes, string source, List<string> overrides, Dictionary<string, string> overridden)
    {
        JsonNode root;
        try
        {
            root = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) ?? new JsonObject();
        }
        catch (JsonException e)
        {
            throw new InputException(JsonErrors.Plain(e), source, e.LineNumber + 1);
        }

        foreach (var o in overrides)
        {
            var eq = o.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new InputException($"must be path=value (a dotted object path such as fleet.count=500), got '{o}'", field: "--set");
            }

            var keys = o[..eq].Split('.');
            if (keys.Any(k => k.Length == 0 || k.Contains('[', StringComparison.Ordinal)))
            {
                throw new InputException($"'{o[..eq]}' is not a dotted object path (array elements cannot be set)", field: $"--set {o}");
            }

            var node = root;
            foreach (var key in keys[..^1])
            {
                if (node is not JsonObject obj)
                {
                    throw new InputException($"'{o[..eq]}' goes through a value that is not an object", field: $"--set {o}");
                }

                node = obj[key] ??= new JsonObject();
            }

            if (node is not JsonObject target)
            {
                throw new InputException($"'{o[..eq]}' goes through a value that is not an object", field: $"--set {o}");
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

            target[keys[^1]] = value;
            overridden["$." + o[..eq]] = o;
        }

        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }
}
