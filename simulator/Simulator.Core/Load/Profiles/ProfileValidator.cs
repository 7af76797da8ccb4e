namespace Simulator.Core.Load.Profiles;

/// <summary>
/// Checks every value of a profile, section by section, in the order the file reads. The first
/// impossible value is reported through <c>fail</c> with its JSON path and a reason.
/// </summary>
internal static class ProfileValidator
{
    /// <summary>The longest plan a profile may ask for, and so the longest duration any of its keys may: 30 days.</summary>
    public const double MaxPlanSeconds = 30 * 86_400;

    /// <summary>The most devices or connects a second a phase or a search may ask for.</summary>
    public const double MaxRatePerSecond = 1_000_000;

    /// <summary>The longest latency a threshold or a limit may name: an hour.</summary>
    public const double MaxLatencyMs = 3_600_000;

    /// <summary>AWS IoT Core's quota on forward slashes in a topic.</summary>
    public const int MaxTopicSlashes = 7;

    /// <summary>AWS IoT Core's quota on a topic's UTF-8 bytes.</summary>
    public const int MaxTopicBytes = 256;

    /// <summary>Checks the document and returns the plan with each ramp's and spike's "to" filled in.</summary>
    /// <param name="written">A profile as results wrote it: its seed is a fingerprint.</param>
    /// <param name="hasCapacity">The document has a capacity section, so it may leave out phases.</param>
    public static List<PhaseSettings> Validate(ProfileDocument p, bool written, bool hasCapacity, Action<string, string> fail)
    {
        // The name labels the results (their directory, the reports, compare's output): an empty one labels nothing.
        if (string.IsNullOrWhiteSpace(p.Name) || p.Name.Length > 128 || p.Name.Any(char.IsControl))
        {
            fail("$.name", "must be 1 to 128 printable characters: it names the run in its results");
        }

        Target(p, fail);
        Fleet(p, written, fail);
        Token(p, fail);
        Transport(p, fail);
        Device(p, fail);
        var phases = Phases(p, hasCapacity, fail);
        Capacity(p.Capacity, fail);
        Consumers(p, fail);
        Commands(p, fail);
        WarmUp(p.WarmUp, fail);
        Thresholds(p, fail);
        return phases;
    }

    /// <summary>Where the devices connect: host, address, port and the URLs the scenario and token source need.</summary>
    private static void Target(ProfileDocument p, Action<string, string> fail)
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
    }

    /// <summary>The fleet's size, seed and shard, and the run's start instant.</summary>
    private static void Fleet(ProfileDocument p, bool written, Action<string, string> fail)
    {
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

        if (p.StartAt is { } startAt && !ProfileLoader.TryParseInstant(startAt, out _))
        {
            fail("$.startAt", $"must be an RFC 3339 instant with its offset, e.g. \"2026-11-24T10:00:00Z\", got \"{startAt}\"");
        }

        if (p.Fleet.Shard != ShardAssignment.Auto && !FleetShard.TryParse(p.Fleet.Shard, out _))
        {
            fail("$.fleet.shard", $"must be \"i/N\" with 0 <= i < N, or \"auto\" ({ShardAssignment.IndexVariable} and --shards), got \"{p.Fleet.Shard}\"");
        }
    }

    /// <summary>Where tokens come from and how long they live.</summary>
    private static void Token(ProfileDocument p, Action<string, string> fail)
    {
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
    }

    /// <summary>Source addresses, credential placement, the TLS provider and the connect timeout.</summary>
    private static void Transport(ProfileDocument p, Action<string, string> fail)
    {
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

        if (p.Transport.Tls == Core.Transport.TlsProvider.OpenSsl && Core.Transport.TlsProviders.OpenSslUnavailableReason is { } noOpenSsl)
        {
            fail("$.transport.tls", $"\"openssl\" cannot be used here: {noOpenSsl}; use \"sslstream\" or leave it out");
        }

        if (p.Transport.ConnectTimeoutSeconds is <= 0 or > 300)
        {
            fail("$.transport.connectTimeoutSeconds", $"must be above 0 and at most 300, got {p.Transport.ConnectTimeoutSeconds}");
        }
    }

    /// <summary>What each device does once connected, and how it reconnects.</summary>
    private static void Device(ProfileDocument p, Action<string, string> fail)
    {
        if (p.Device.Qos is not (0 or 1))
        {
            fail("$.device.qos", $"must be 0 or 1 (AWS IoT Core supports QoS 0 and 1), got {p.Device.Qos}");
        }

        if (p.Device.PublishIntervalSeconds is <= 0 or > MaxPlanSeconds)
        {
            fail("$.device.publishIntervalSeconds", $"must be above 0 and at most {MaxPlanSeconds} s (30 days, the longest plan), got {p.Device.PublishIntervalSeconds}");
        }

        if (p.Device.Jitter is < 0 or > 1)
        {
            fail("$.device.jitter", $"must be 0 to 1, got {p.Device.Jitter}");
        }

        if (p.Device.KeepAliveSeconds is < 0 or > 65535)
        {
            fail("$.device.keepAliveSeconds", $"must be 0 to 65535, got {p.Device.KeepAliveSeconds}");
        }

        if (p.Device.SessionSeconds is < 0 or > MaxPlanSeconds)
        {
            fail("$.device.sessionSeconds", $"must be 0 (stay connected) to {MaxPlanSeconds} s (30 days, the longest plan), got {p.Device.SessionSeconds}");
        }

        if (p.Device.SessionLifetimeSeconds is <= 0 or > MaxPlanSeconds)
        {
            fail("$.device.sessionLifetimeSeconds", $"must be above 0 and at most {MaxPlanSeconds} s (30 days), got {p.Device.SessionLifetimeSeconds}");
        }

        if (p.Device.AckTimeoutSeconds is <= 0 or > 3600)
        {
            fail("$.device.ackTimeoutSeconds", $"must be above 0 and at most 3600, got {p.Device.AckTimeoutSeconds}");
        }

        if (p.Device.Topic.Length == 0 || p.Device.Topic.Contains('#', StringComparison.Ordinal) || p.Device.Topic.Contains('+', StringComparison.Ordinal))
        {
            fail("$.device.topic", $"must be a non-empty topic without wildcards, got \"{p.Device.Topic}\"");
        }

        AwsTopicLimits(p, p.Device.Topic, "$.device.topic", fail);

        var reconnect = p.Device.Reconnect.Resolve();
        if (reconnect.BaseMilliseconds <= 0 || reconnect.MaxMilliseconds < reconnect.BaseMilliseconds)
        {
            fail("$.device.reconnect", $"baseMilliseconds must be above 0 and maxMilliseconds at least baseMilliseconds (with the preset's values: {reconnect.BaseMilliseconds} and {reconnect.MaxMilliseconds})");
        }

        if (reconnect.MaxAttempts < 1)
        {
            fail("$.device.reconnect.maxAttempts", $"must be at least 1, got {reconnect.MaxAttempts}");
        }

        if (reconnect.StartTimerMilliseconds is < 0 or > 3_600_000)
        {
            fail("$.device.reconnect.startTimerMilliseconds", $"must be 0 to 3600000, got {reconnect.StartTimerMilliseconds}");
        }

        if (reconnect.IncrementMilliseconds is < 0 or > 3_600_000)
        {
            fail("$.device.reconnect.incrementMilliseconds", $"must be 0 to 3600000, got {reconnect.IncrementMilliseconds}");
        }

        Link(p.Device.Link, fail);
        Payload(p.Device.Payload, p.Device.Scenario, fail);
        Mqtt5(p, fail);
        // A duty cycle's values are checked whatever the scenario (the loader refuses a dutyCycle
        // section on another scenario as doing nothing).
        DutyCycle(p.Device.DutyCycle, p.Device.Scenario == ScenarioKind.DutyCycle ? p.Transport.Kind : null, fail);
    }

    /// <summary>Backend consumers: a count, a filter and a QoS they can hold, on a target and scenario they can take messages from.</summary>
    private static void Consumers(ProfileDocument p, Action<string, string> fail)
    {
        var c = p.Consumers;
        if (c.Count is < 0 or > 100)
        {
            fail("$.consumers.count", $"must be 0 (none) to 100, got {c.Count}");
        }

        if (c.Count == 0)
        {
            if (c.Topic is not null || c.Qos != 1)
            {
                fail(c.Topic is not null ? "$.consumers.topic" : "$.consumers.qos", "does nothing without consumers: set consumers.count");
            }

            return;
        }

        if (c.Qos is not (0 or 1))
        {
            fail("$.consumers.qos", $"must be 0 or 1 (AWS IoT Core has no QoS 2), got {c.Qos}");
        }

        var filter = c.FilterFor(p.Device.Topic);
        var shared = filter.StartsWith("$share/", StringComparison.Ordinal);
        try
        {
            Mqtt.MqttTopic.ValidateTopicFilter(filter);
        }
        catch (Mqtt.MqttProtocolException e)
        {
            fail("$.consumers.topic", $"\"{filter}\" is not a topic filter: {e.Message}");
        }

        if (shared && filter.Split('/') is not [_, { Length: > 0 }, _, ..])
        {
            fail("$.consumers.topic", $"a shared subscription is $share/{{ShareName}}/{{TopicFilter}}, got \"{filter}\"");
        }

        if (c.Count > 1 && !shared)
        {
            fail("$.consumers.topic", $"{c.Count} consumers on \"{filter}\" would each get every message; several consumers share the fleet's messages as one backend with $share/{{ShareName}}/{{TopicFilter}}");
        }

        if (!p.Device.Topic.Contains("{id}", StringComparison.Ordinal))
        {
            fail("$.device.topic", "consumers tell a message's device by the {id} in its topic; the device topic has none");
        }

        if (p.Device.Scenario is ScenarioKind.NrfCloudLocation or ScenarioKind.AwsIot)
        {
            fail("$.consumers.count", "consumers count the telemetry, duty-cycle and https-publish scenarios' messages; this scenario sends its own");
        }

        if (p.Target.Kind == TargetKind.Endpoint && p.Transport.Kind != DeviceTransportKind.MqttTcp)
        {
            fail("$.consumers", "consumers connect to the embedded gateway (as a backend principal it grants) or to a plain MQTT broker (transport mqtt-tcp); against AWS IoT Core a backend's own credentials are needed, which a profile does not hold");
        }
    }

    /// <summary>Commands: a finite rate, a topic a device can subscribe to, and a scenario and target that can carry them.</summary>
    private static void Commands(ProfileDocument p, Action<string, string> fail)
    {
        var c = p.Commands;
        if (c.RatePerSecond is < 0 or > 1000 || double.IsNaN(c.RatePerSecond))
        {
            fail("$.commands.ratePerSecond", $"must be 0 (none) to 1000, got {c.RatePerSecond}");
        }

        if (c.RatePerSecond == 0)
        {
            if (c != new CommandSettings())
            {
                fail("$.commands", "does nothing without a rate: set commands.ratePerSecond");
            }

            return;
        }

        if (c.Qos is not (0 or 1))
        {
            fail("$.commands.qos", $"must be 0 or 1 (AWS IoT Core has no QoS 2), got {c.Qos}");
        }

        if (!c.Topic.Contains("{id}", StringComparison.Ordinal) || c.Topic.Contains('#', StringComparison.Ordinal) || c.Topic.Contains('+', StringComparison.Ordinal))
        {
            fail("$.commands.topic", $"must name each device's own topic with {{id}} and no wildcards, got \"{c.Topic}\"");
        }

        if (c.Topic == p.Device.Topic)
        {
            fail("$.commands.topic", "is the devices' telemetry topic; commands need a topic of their own");
        }

        AwsTopicLimits(p, c.Topic, "$.commands.topic", fail);

        if (p.Device.Scenario is not (ScenarioKind.Telemetry or ScenarioKind.DutyCycle) || p.Transport.Kind == DeviceTransportKind.HttpsPublish)
        {
            fail("$.commands.ratePerSecond", "commands go to MQTT devices of the telemetry and duty-cycle scenarios, which subscribe to them");
        }

        if (p.Target.Kind == TargetKind.Endpoint && p.Transport.Kind != DeviceTransportKind.MqttTcp)
        {
            fail("$.commands", "commands are sent from the embedded gateway's backend principal or to a plain MQTT broker (transport mqtt-tcp); against AWS IoT Core a backend's own credentials are needed, which a profile does not hold");
        }
    }

    /// <summary>What the messages carry: a template that compiles, sizes within AWS IoT Core's 128 KB, and no key that does nothing.</summary>
    private static void Payload(PayloadSettings pl, ScenarioKind scenario, Action<string, string> fail)
    {
        const int max = Payloads.PayloadFormat.MaxSizeBytes;
        if (pl.Kind != PayloadKind.Telemetry && scenario is ScenarioKind.NrfCloudLocation or ScenarioKind.AwsIot)
        {
            fail("$.device.payload.kind", $"the {(scenario == ScenarioKind.AwsIot ? "aws-iot" : "nrfcloud-location")} scenario sends its own messages; a payload applies to telemetry, duty-cycle and https-publish devices");
        }

        if (pl.Kind != PayloadKind.Template && pl.Template is not null)
        {
            fail("$.device.payload.template", "applies to kind \"template\" only");
        }

        if (pl.Kind == PayloadKind.Telemetry && (pl.SizeBytes is not null || pl.SizeMaxBytes is not null))
        {
            fail(pl.SizeBytes is not null ? "$.device.payload.sizeBytes" : "$.device.payload.sizeMaxBytes", "the telemetry payload has its own size; sizes apply to kinds \"template\" (with a {{pad}}) and \"random\"");
        }

        var hasPad = false;
        if (pl.Kind == PayloadKind.Template)
        {
            if (string.IsNullOrEmpty(pl.Template))
            {
                fail("$.device.payload.template", $"kind \"template\" needs a template, its fields written {{{{name}}}}: {Payloads.PayloadTemplate.Fields}");
            }
            else if (!Payloads.PayloadTemplate.TryParse(pl.Template, out var template, out var error))
            {
                fail("$.device.payload.template", error);
            }
            else if (template!.MaxLength(64, 64, 64) > max)
            {
                fail("$.device.payload.template", $"its messages can be longer than {max} bytes, AWS IoT Core's limit");
            }
            else
            {
                hasPad = template.HasPad;
                if (!hasPad && (pl.SizeBytes is not null || pl.SizeMaxBytes is not null))
                {
                    fail(pl.SizeBytes is not null ? "$.device.payload.sizeBytes" : "$.device.payload.sizeMaxBytes", "a template's size is what it writes; to fill messages to a size, put {{pad}} in the template");
                }
            }
        }

        if ((pl.Kind == PayloadKind.Random || hasPad) && pl.SizeBytes is null)
        {
            fail("$.device.payload.sizeBytes", pl.Kind == PayloadKind.Random ? "kind \"random\" needs a size in bytes" : "a template with {{pad}} needs the size to fill each message to");
        }

        if (pl.SizeBytes is < 1 or > max)
        {
            fail("$.device.payload.sizeBytes", $"must be 1 to {max} (AWS IoT Core's largest message), got {pl.SizeBytes}");
        }

        if (pl.SizeMaxBytes is { } top && (pl.SizeBytes is null || top < pl.SizeBytes || top > max))
        {
            fail("$.device.payload.sizeMaxBytes", $"must be from sizeBytes ({pl.SizeBytes?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "not set"}) to {max}, got {top}");
        }
    }

    /// <summary>The protocol level, and an MQTT 5 device's properties within what AWS IoT Core accepts (docs/mqtt5.md).</summary>
    private static void Mqtt5(ProfileDocument p, Action<string, string> fail)
    {
        if (p.Device.MqttVersion is not (Mqtt.MqttVersion.V311 or Mqtt.MqttVersion.V500))
        {
            fail("$.device.mqttVersion", $"must be 4 (MQTT 3.1.1) or 5 (MQTT 5.0), got {(int)p.Device.MqttVersion}");
        }

        var m = p.Device.Mqtt5;
        if (m.SessionExpirySeconds > 604_800)
        {
            fail("$.device.mqtt5.sessionExpirySeconds", $"must be at most 604800 (AWS IoT Core's 7 days), got {m.SessionExpirySeconds}");
        }

        if (m.MessageExpirySeconds is 0 or > 604_800)
        {
            fail("$.device.mqtt5.messageExpirySeconds", $"must be 1 to 604800 (AWS IoT Core's range), got {m.MessageExpirySeconds}");
        }

        foreach (var (key, props) in new[] { ("userProperties", m.UserProperties), ("publishUserProperties", m.PublishUserProperties) })
        {
            foreach (var (name, value) in props ?? [])
            {
                if (name.Length == 0 || name.Contains('\0', StringComparison.Ordinal) || value.Contains('\0', StringComparison.Ordinal))
                {
                    fail($"$.device.mqtt5.{key}", "names must be non-empty, and names and values free of U+0000 (MQTT 5.0 §1.5.4)");
                }
            }
        }

        var set = m != new Mqtt5Settings();
        if (p.Device.MqttVersion != Mqtt.MqttVersion.V500 && set)
        {
            fail("$.device.mqtt5", "applies to MQTT 5 devices only; set device.mqttVersion to 5");
        }

        if (!p.Device.CleanSession && p.Device.MqttVersion == Mqtt.MqttVersion.V500)
        {
            fail("$.device.cleanSession", "is MQTT 3.1.1's flag; an MQTT 5 device resumes its session with device.mqtt5.cleanStart false and a sessionExpirySeconds");
        }

        if (!p.Device.CleanSession && p.Transport.Kind == DeviceTransportKind.HttpsPublish)
        {
            fail("$.device.cleanSession", "https-publish speaks HTTP and keeps no MQTT session; a persistent session needs wss-custom-auth, mqtt-alpn or mqtt-tcp");
        }

        if (p.Device.MqttVersion == Mqtt.MqttVersion.V500 && p.Transport.Kind == DeviceTransportKind.HttpsPublish)
        {
            fail("$.device.mqttVersion", "https-publish speaks HTTP, not MQTT; MQTT 5 needs wss-custom-auth, mqtt-alpn or mqtt-tcp");
        }

        if (p.Device.Scenario == ScenarioKind.AwsIot && p.Transport.Kind == DeviceTransportKind.HttpsPublish)
        {
            fail("$.device.scenario", "aws-iot is an MQTT firmware (shadow subscriptions and requests); use wss-custom-auth, mqtt-alpn or mqtt-tcp");
        }
    }

    /// <summary>
    /// AWS IoT Core's topic limits (quotas: at most 7 forward slashes, at most 256 bytes of UTF-8),
    /// checked at load where the target is AWS-shaped (the embedded gateway, or an endpoint under
    /// amazonaws.com) rather than found when every publish is refused: the slashes of the template
    /// (a client id has none), and its bytes with its client ids where a generated fleet says how
    /// long they are (else without them: each id only adds).
    /// </summary>
    private static void AwsTopicLimits(ProfileDocument p, string topic, string path, Action<string, string> fail)
    {
        var aws = p.Target.Kind == TargetKind.Embedded || (p.Target.Host?.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase) ?? false);
        if (!aws)
        {
            return;
        }

        var slashes = topic.Count(c => c == '/');
        if (slashes > MaxTopicSlashes)
        {
            fail(path, $"has {slashes} forward slashes; AWS IoT Core allows {MaxTopicSlashes} in a topic, so every publish on it would be refused");
        }

        // A generated fleet's client ids have a known length: ICCIDs (1NCE, the local issuer) and
        // UUID device ids (device JWTs); a fleet read from a directory may have any, so none is counted.
        var ids = (topic.Length - topic.Replace("{id}", string.Empty, StringComparison.Ordinal).Length) / "{id}".Length;
        var (idLength, idName) = p.Fleet.Directory is not null ? (0, "client ids")
            : p.Token.Source == TokenSourceKind.DeviceJwt ? (Identity.DeviceIdFormatLengths.Uuid, "device ids")
            : (Identity.DeviceIdFormatLengths.Iccid, "ICCIDs");
        var bytes = System.Text.Encoding.UTF8.GetByteCount(topic.Replace("{id}", string.Empty, StringComparison.Ordinal)) + (ids * idLength);
        if (bytes > MaxTopicBytes)
        {
            var with = ids == 0 ? string.Empty : idLength == 0 ? " without its client ids" : $" with its {idName} ({idLength} characters each)";
            fail(path, $"is {bytes} bytes{with}; AWS IoT Core allows {MaxTopicBytes} bytes in a topic, so every publish on it would be refused");
        }
    }

    /// <summary>A duty cycle's values: a wake every 1 s to 413 days (periodic TAU's range), eDRX within 3GPP's cycles (TS 24.008 §10.5.5.32).</summary>
    /// <param name="transport">The transport, when the scenario is duty-cycle; null checks the values alone.</param>
    private static void DutyCycle(DutyCycleSettings d, DeviceTransportKind? transport, Action<string, string> fail)
    {
        if (transport == DeviceTransportKind.HttpsPublish)
        {
            fail("$.device.scenario", "duty-cycle runs over MQTT (mqtt-tls, wss or mqtt-tcp); https-publish has no session to sleep between");
        }

        if (d.WakeIntervalSeconds is < 1 or > 35_712_000 || double.IsNaN(d.WakeIntervalSeconds))
        {
            fail("$.device.dutyCycle.wakeIntervalSeconds", $"must be 1 to 35712000 s (3GPP's longest periodic TAU, 413 days), got {d.WakeIntervalSeconds}");
        }

        if (d.WakeJitter is < 0 or > 1 || double.IsNaN(d.WakeJitter))
        {
            fail("$.device.dutyCycle.wakeJitter", $"must be 0 to 1, got {d.WakeJitter}");
        }

        if (d.MessagesPerWake is < 1 or > 1000)
        {
            fail("$.device.dutyCycle.messagesPerWake", $"must be 1 to 1000, got {d.MessagesPerWake}");
        }

        if (d.ActiveTimeSeconds is < 0 or > 11_160 || double.IsNaN(d.ActiveTimeSeconds))
        {
            fail("$.device.dutyCycle.activeTimeSeconds", $"must be 0 to 11160 s (T3324's range), got {d.ActiveTimeSeconds}");
        }

        if (d.Mode == DutyCycleMode.Edrx)
        {
            if (d.EdrxSeconds is < 5.12 or > 10_485.76 || double.IsNaN(d.EdrxSeconds))
            {
                fail("$.device.dutyCycle.edrxSeconds", $"must be 5.12 to 10485.76 s (LTE-M stops at 2621.44), got {d.EdrxSeconds}");
            }

            if (d.PagingWindowSeconds <= 0 || d.PagingWindowSeconds >= d.EdrxSeconds || double.IsNaN(d.PagingWindowSeconds))
            {
                fail("$.device.dutyCycle.pagingWindowSeconds", $"must be above 0 and below edrxSeconds ({d.EdrxSeconds}), got {d.PagingWindowSeconds}");
            }

            if (d.InactivitySeconds is < 1 or > 3600 || double.IsNaN(d.InactivitySeconds))
            {
                fail("$.device.dutyCycle.inactivitySeconds", $"must be 1 to 3600 s (the network's RRC inactivity timer), got {d.InactivitySeconds}");
            }
        }
    }

    /// <summary>A link's values: round trips of 0 to 60 s with the tail at least the median, positive rates (0 is unlimited), loss up to half.</summary>
    private static void Link(LinkSettings link, Action<string, string> fail)
    {
        foreach (var (key, value) in new[] { ("rttP50Ms", link.RttP50Ms), ("rttP99Ms", link.RttP99Ms) })
        {
            if (value is < 0 or > 60_000 || value is { } v && double.IsNaN(v))
            {
                fail("$.device.link." + key, $"must be 0 to 60000 ms, got {value}");
            }
        }

        if (link.Resolve() is { } resolved && resolved.RttP99Ms < resolved.RttP50Ms)
        {
            fail("$.device.link.rttP99Ms", $"must be at least rttP50Ms ({resolved.RttP50Ms}), got {resolved.RttP99Ms}");
        }

        foreach (var (key, value) in new[] { ("uplinkKbps", link.UplinkKbps), ("downlinkKbps", link.DownlinkKbps) })
        {
            if (value is < 0 || value is { } v && (double.IsNaN(v) || double.IsInfinity(v)))
            {
                fail("$.device.link." + key, $"must be above 0 kbit/s (0 is unlimited), got {value}");
            }
            else if (value is > 0 and < 0.1)
            {
                fail("$.device.link." + key, $"must be at least 0.1 kbit/s, got {value}");
            }
        }

        if (link.LossRate is < 0 or > 0.5)
        {
            fail("$.device.link.lossRate", $"must be 0 to 0.5, got {link.LossRate}");
        }
    }

    /// <summary>The plan: each phase's rate, target and duration; a ramp or spike without "to" goes to the whole fleet.</summary>
    private static List<PhaseSettings> Phases(ProfileDocument p, bool hasCapacity, Action<string, string> fail)
    {
        // A capacity search makes each step's plan itself: its profile needs no phases.
        if (p.Phases.Count == 0 && !hasCapacity)
        {
            fail("$.phases", "at least one phase is needed (or a capacity section, for simulator capacity)");
        }

        var count = p.Fleet.Directory is null ? p.Fleet.Count : int.MaxValue;
        var phases = new List<PhaseSettings>(p.Phases.Count);
        var planSeconds = 0.0;
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

            if (ph.Kind == PhaseKind.Arrivals && p.Device.Scenario == ScenarioKind.DutyCycle)
            {
                fail($"{at}.kind", "arrivals connect devices once; a duty-cycled device wakes again and again, so give it a ramp and a hold");
            }

            if (ph.Kind == PhaseKind.Arrivals && ph.To is not null)
            {
                fail($"{at}.to", "arrivals leave the standing fleet as it is; give rate and seconds, not to");
            }

            // A key the phase does not read would do nothing: refused rather than ignored.
            if (ph.To is not null && ph.Kind is PhaseKind.Hold or PhaseKind.Pause or PhaseKind.Outage)
            {
                fail($"{at}.to", $"a {ProfileEnumConverter<PhaseKind>.ToName(ph.Kind)} keeps the fleet's size as it is; to would do nothing");
            }

            if (ph.Rate is not null && ph.Kind is PhaseKind.Hold or PhaseKind.Pause or PhaseKind.Spike or PhaseKind.Outage)
            {
                fail($"{at}.rate", $"a {ProfileEnumConverter<PhaseKind>.ToName(ph.Kind)} has no rate; rate would do nothing");
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

            var timed = ph.Kind is PhaseKind.Hold or PhaseKind.Pause or PhaseKind.Spike or PhaseKind.Arrivals or PhaseKind.Outage;
            if (timed && ph.Seconds is not > 0)
            {
                fail($"{at}.seconds", $"a {ProfileEnumConverter<PhaseKind>.ToName(ph.Kind)} needs a duration above 0 seconds");
            }

            if (!timed && ph.Seconds is not null)
            {
                fail($"{at}.seconds", $"a {ProfileEnumConverter<PhaseKind>.ToName(ph.Kind)} takes its time from its rate, not seconds: the key would do nothing");
            }

            if (ph.Seconds > MaxPlanSeconds)
            {
                fail($"{at}.seconds", $"must be at most {MaxPlanSeconds} s (30 days, the longest plan), got {ph.Seconds}");
            }

            if (ph.Rate > MaxRatePerSecond)
            {
                fail($"{at}.rate", $"must be at most {MaxRatePerSecond} a second, got {ph.Rate}");
            }

            planSeconds += ph.Seconds ?? 0;
            if (planSeconds > MaxPlanSeconds)
            {
                fail($"{at}.seconds", $"the phases' durations add up to {planSeconds} s, past the longest plan of {MaxPlanSeconds} s (30 days)");
            }

            if (ph.Share is { } share && (ph.Kind != PhaseKind.Outage || share is not (> 0 and <= 1)))
            {
                fail($"{at}.share", ph.Kind != PhaseKind.Outage ? "only an outage takes a share" : $"must be above 0 and at most 1, got {share}");
            }

            phases.Add(ph);
        }

        return phases;
    }

    /// <summary>The capacity search's steps and limits.</summary>
    private static void Capacity(CapacitySettings c, Action<string, string> fail)
    {
        if (c.StartRate is not > 0)
        {
            fail("$.capacity.startRate", $"must be above 0 connects per second, got {c.StartRate}");
        }

        if (c.MaxRate < c.StartRate || c.MaxRate > MaxRatePerSecond)
        {
            fail("$.capacity.maxRate", $"must be at least startRate ({c.StartRate}) and at most {MaxRatePerSecond}, got {c.MaxRate}");
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

        if (c.Limits.ConnectP99Ms is not > 0 || c.Limits.ConnectP99Ms > MaxLatencyMs)
        {
            fail("$.capacity.limits.connectP99Ms", $"must be above 0 and at most {MaxLatencyMs} ms (an hour), got {c.Limits.ConnectP99Ms}");
        }

        if (c.Limits.MinAchievedShare is < 0 or > 1)
        {
            fail("$.capacity.limits.minAchievedShare", $"must be 0 to 1, got {c.Limits.MinAchievedShare}");
        }
    }

    private static void WarmUp(WarmUpSettings w, Action<string, string> fail)
    {
        if (w.Devices is < 0 or > 1000)
        {
            fail("$.warmUp.devices", $"must be 0 (off) to 1000, got {w.Devices}");
        }
    }

    /// <summary>The thresholds in force: the profile's, or the documented defaults.</summary>
    private static void Thresholds(ProfileDocument p, Action<string, string> fail)
    {
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

        foreach (var (name, value) in new[] { ("connectP99Ms", t.ConnectP99Ms), ("connectP50Ms", t.ConnectP50Ms), ("pubAckP99Ms", t.PubAckP99Ms), ("maxSchedulerLagMs", t.MaxSchedulerLagMs), ("deliveryP99Ms", t.DeliveryP99Ms), ("commandP99Ms", t.CommandP99Ms) })
        {
            if (value is <= 0 or > MaxLatencyMs)
            {
                fail($"$.thresholds.{name}", $"must be above 0 and at most {MaxLatencyMs} ms (an hour), got {value}");
            }
        }

        if (t.ConsumerLossRate is < 0 or > 1)
        {
            fail("$.thresholds.consumerLossRate", $"must be 0 to 1, got {t.ConsumerLossRate}");
        }

        if (p.Commands.RatePerSecond == 0 && t.CommandP99Ms is not null)
        {
            fail("$.thresholds.commandP99Ms", "judges cloud-to-device commands, and the profile sends none: set commands.ratePerSecond");
        }

        if (p.Consumers.Count == 0 && (t.DeliveryP99Ms is not null || t.ConsumerLossRate is not null))
        {
            fail(t.DeliveryP99Ms is not null ? "$.thresholds.deliveryP99Ms" : "$.thresholds.consumerLossRate", "judges backend consumers, and the profile has none: set consumers.count");
        }
    }

    private static bool IsHttpsUrl(string? text) => Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;
}
