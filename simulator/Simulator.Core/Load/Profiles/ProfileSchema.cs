using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;

namespace Simulator.Core.Load.Profiles;

/// <summary>
/// The JSON Schema (draft 2020-12) of a profile, generated from the types the loader reads
/// (docs/profile.schema.json): every key, its type, the names each choice allows, and no key
/// besides. Bounds that depend on other keys stay the loader's to check, with file, line and path.
/// </summary>
internal static class ProfileSchema
{
    /// <summary>Choices a profile writes as their numbers (the MQTT protocol level, 4 or 5), read without a converter.</summary>
    internal static readonly IReadOnlyDictionary<Type, IReadOnlyList<int>> NumberChoices = new Dictionary<Type, IReadOnlyList<int>>
    {
        [typeof(Mqtt.MqttVersion)] = [(int)Mqtt.MqttVersion.V311, (int)Mqtt.MqttVersion.V500],
    };

    /// <summary>Every choice a profile makes, with the names it allows; a choice missing here would be an unchecked string, so a test holds the list to the types.</summary>
    internal static readonly IReadOnlyDictionary<Type, IReadOnlyList<string>> ChoiceNames = new Dictionary<Type, IReadOnlyList<string>>
    {
        [typeof(ArrivalMode)] = ProfileEnumConverter<ArrivalMode>.AllNames,
        [typeof(CredentialsMode)] = ProfileEnumConverter<CredentialsMode>.AllNames,
        [typeof(DeviceTransportKind)] = ProfileEnumConverter<DeviceTransportKind>.AllNames,
        [typeof(DutyCycleMode)] = ProfileEnumConverter<DutyCycleMode>.AllNames,
        [typeof(LinkPreset)] = ProfileEnumConverter<LinkPreset>.AllNames,
        [typeof(PayloadKind)] = ProfileEnumConverter<PayloadKind>.AllNames,
        [typeof(ReconnectJitter)] = ProfileEnumConverter<ReconnectJitter>.AllNames,
        [typeof(ReconnectPreset)] = ProfileEnumConverter<ReconnectPreset>.AllNames,
        [typeof(ReconnectShape)] = ProfileEnumConverter<ReconnectShape>.AllNames,
        [typeof(PhaseKind)] = ProfileEnumConverter<PhaseKind>.AllNames,
        [typeof(ScenarioKind)] = ProfileEnumConverter<ScenarioKind>.AllNames,
        [typeof(TargetKind)] = ProfileEnumConverter<TargetKind>.AllNames,
        [typeof(Transport.TlsProvider)] = ProfileEnumConverter<Transport.TlsProvider>.AllNames,
        [typeof(TokenClaim)] = ProfileEnumConverter<TokenClaim>.AllNames,
        [typeof(TokenSourceKind)] = ProfileEnumConverter<TokenSourceKind>.AllNames,
    };

    public static string Write()
    {
        var schema = ProfileJsonContext.Default.Options.GetJsonSchemaAsNode(typeof(ProfileDocument), new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = Choices,
        }).AsObject();
        // What a key left out reads as: a document of nothing but defaults, written by the same context.
        var defaults = JsonSerializer.SerializeToNode(new ProfileDocument(), ProfileJsonContext.Default.ProfileDocument)!;
        Defaults(schema, defaults);
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = "nrf-fleet-simulator load profile (profiles/*.json)",
        };
        foreach (var (key, value) in schema.ToList())
        {
            schema.Remove(key);
            root[key] = value;
        }

        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>
    /// A choice (an enum read by <see cref="ProfileEnumConverter{T}"/>) is a string of its names, null
    /// too where the key may be null. The exporter leaves such a key open (its converter is its own),
    /// and a key with a default is not handed over alone, so each object's choice keys are set here.
    /// </summary>
    private static JsonNode Choices(JsonSchemaExporterContext ctx, JsonNode node)
    {
        if (ChoiceSchema(ctx.TypeInfo.Type) is { } own)
        {
            return own;
        }

        if (ctx.TypeInfo.Type == typeof(LinkSettings))
        {
            return LinkSchema();
        }

        if (node is JsonObject o && o["properties"] is JsonObject properties)
        {
            foreach (var p in ctx.TypeInfo.Properties)
            {
                if (p.PropertyType == typeof(LinkSettings))
                {
                    var link = LinkSchema();
                    link["default"] = ProfileEnumConverter<LinkPreset>.ToName(LinkPreset.None);
                    properties[p.Name] = link;
                    continue;
                }

                if (ChoiceSchema(p.PropertyType) is { } choice && properties[p.Name] is JsonObject exported)
                {
                    if (exported["default"] is { } d)
                    {
                        choice["default"] = d.DeepClone();
                    }

                    properties[p.Name] = choice;
                }
            }
        }

        return node;
    }

    /// <summary>Gives each key of an object the default its type starts with, where the exporter gave none (it knows only constructor defaults).</summary>
    private static void Defaults(JsonObject schema, JsonNode? defaults)
    {
        if (schema["properties"] is not JsonObject properties || defaults is not JsonObject values)
        {
            return;
        }

        foreach (var (name, node) in properties)
        {
            if (node is not JsonObject key || !values.TryGetPropertyValue(name, out var value) || value is null)
            {
                continue;
            }

            if (value is JsonObject)
            {
                Defaults(key, value);
            }
            else if (!key.ContainsKey("default") && value is not JsonArray)
            {
                key["default"] = value.DeepClone();
            }
        }
    }

    /// <summary>device.link, read by its own converter: a preset's name, or an object of one and the values that override it.</summary>
    private static JsonObject LinkSchema()
    {
        var number = (string description) => new JsonObject { ["type"] = "number", ["minimum"] = 0, ["description"] = description };
        return new JsonObject
        {
            ["oneOf"] = new JsonArray(
                ChoiceSchema(typeof(LinkPreset)),
                new JsonObject
                {
                    ["type"] = "object",
                    ["additionalProperties"] = false,
                    ["properties"] = new JsonObject
                    {
                        ["preset"] = ChoiceSchema(typeof(LinkPreset)),
                        ["rttP50Ms"] = number("median round trip, ms"),
                        ["rttP99Ms"] = number("99th-percentile round trip, ms (at least rttP50Ms)"),
                        ["uplinkKbps"] = number("device to cloud, kbit/s; 0 is unlimited"),
                        ["downlinkKbps"] = number("cloud to device, kbit/s; 0 is unlimited"),
                        ["lossRate"] = new JsonObject { ["type"] = "number", ["minimum"] = 0, ["maximum"] = 0.5, ["description"] = "share of TCP segments lost once, paid as retransmission delay" },
                    },
                }),
        };
    }

    private static JsonObject? ChoiceSchema(Type type)
    {
        if (NumberChoices.TryGetValue(Nullable.GetUnderlyingType(type) ?? type, out var numbers))
        {
            return new JsonObject { ["type"] = "integer", ["enum"] = new JsonArray([.. numbers.Select(n => (JsonNode?)JsonValue.Create(n))]) };
        }

        var nullable = Nullable.GetUnderlyingType(type) is not null;
        if (!ChoiceNames.TryGetValue(Nullable.GetUnderlyingType(type) ?? type, out var names))
        {
            return null;
        }

        var values = new JsonArray([.. names.Select(n => (JsonNode?)JsonValue.Create(n))]);
        if (nullable)
        {
            values.Add(null);
        }

        return new JsonObject { ["type"] = nullable ? new JsonArray("string", "null") : "string", ["enum"] = values };
    }
}
