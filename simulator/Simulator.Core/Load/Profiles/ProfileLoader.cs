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
internal static class ProfileLoader
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

        // Lines come from the file as written; a path set by --set is blamed on the --set.
        var lines = JsonLineIndex.Build(original, out var repeated);
        if (repeated is var (repeatedPath, repeatedLine))
        {
            // JSON leaves a repeated key to the reader: one reader takes the last, another the first.
            throw new InputException($"'{repeatedPath[(repeatedPath.LastIndexOf('.') + 1)..]}' is given twice in one object; say it once", source, repeatedLine, repeatedPath);
        }

        var overridden = new Dictionary<string, string>(StringComparer.Ordinal);
        if (overrideList.Count > 0)
        {
            bytes = ProfileOverrides.Apply(bytes, source, overrideList, overridden);
        }

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
            var message = JsonErrors.Plain(e, ProfileJsonContext.Default, typeof(ProfileDocument));
            if (e.Path is { } path && overridden.Count > 0)
            {
                throw Problem(path, message);
            }

            throw new InputException(message, source, e.LineNumber + 1, e.Path);
        }

        var document = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, AllowDuplicateProperties = false })!.AsObject();
        FiniteNumbers(document, "$", (path, problem) => throw Problem(path, problem));
        var phases = ProfileValidator.Validate(profile, written, document.ContainsKey("capacity"), (path, problem) => throw Problem(path, problem));
        if (document["device"] is JsonObject device && device.ContainsKey("dutyCycle") && profile.Device.Scenario != ScenarioKind.DutyCycle)
        {
            throw Problem("$.device.dutyCycle", $"only the duty-cycle scenario takes a dutyCycle; on {ProfileEnumConverter<ScenarioKind>.ToName(profile.Device.Scenario)} the section would do nothing");
        }
        return Options(profile, phases, document);
    }

    /// <summary>
    /// Every number in the profile is finite: JSON allows 1e400, which .NET reads as infinity, and
    /// an infinite duration or rate would pass every "above 0" check and never end.
    /// </summary>
    private static void FiniteNumbers(JsonNode? node, string path, Action<string, string> fail)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o)
                {
                    FiniteNumbers(child, $"{path}.{key}", fail);
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    FiniteNumbers(a[i], $"{path}[{i}]", fail);
                }

                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number && !double.IsFinite(v.GetValue<double>()):
                fail(path, $"must be a finite number, got {v.ToJsonString()}");
                break;
        }
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
            ResolvedTls = Core.Transport.TlsProviders.Resolve(p.Transport.Tls),
        },
        Device = p.Device,
        Phases = phases,
        Arrivals = p.Arrivals,
        WarmUp = p.WarmUp,
        StartAt = p.StartAt is { } startAt && TryParseInstant(startAt, out var at) ? at : null,
        Thresholds = p.Thresholds,
        Capacity = p.Capacity,
        Consumers = p.Consumers,
        Commands = p.Commands,
        Gateway = p.Gateway,
        Document = document,
    };

    /// <summary>An RFC 3339 instant: date, time and an explicit offset (Z or ±hh:mm).</summary>
    public static bool TryParseInstant(string text, out DateTimeOffset instant)
    {
        instant = default;
        var t = text.Trim();
        var hasOffset = t.EndsWith('Z') || t.EndsWith('z') || (t.Length > 6 && (t[^6] == '+' || t[^6] == '-') && t[^3] == ':');
        return hasOffset && t.Contains('T', StringComparison.OrdinalIgnoreCase)
            && DateTimeOffset.TryParse(t, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out instant);
    }
}
