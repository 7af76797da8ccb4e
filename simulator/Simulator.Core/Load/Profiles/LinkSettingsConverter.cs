using System.Text.Json;
using System.Text.Json.Serialization;

namespace Simulator.Core.Load.Profiles;

/// <summary>Reads <c>device.link</c> as a preset's name or as an object of a preset and overrides; an unknown key is refused by name.</summary>
internal sealed class LinkSettingsConverter : JsonConverter<LinkSettings>
{
    /// <summary>The object form's keys, as the schema lists them.</summary>
    internal static readonly string[] Keys = ["preset", "rttP50Ms", "rttP99Ms", "uplinkKbps", "downlinkKbps", "lossRate"];

    public override LinkSettings Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return new LinkSettings { Preset = new ProfileEnumConverter<LinkPreset>().Read(ref reader, typeof(LinkPreset), options) };
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"must be a preset ({ProfileEnumConverter<LinkPreset>.Allowed}) or an object of one and its overrides, got {reader.TokenType.ToString().ToLowerInvariant()}");
        }

        var link = new LinkSettings();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = reader.GetString();
            reader.Read();
            link = key switch
            {
                "preset" => link with { Preset = new ProfileEnumConverter<LinkPreset>().Read(ref reader, typeof(LinkPreset), options) },
                "rttP50Ms" => link with { RttP50Ms = Number(ref reader, key) },
                "rttP99Ms" => link with { RttP99Ms = Number(ref reader, key) },
                "uplinkKbps" => link with { UplinkKbps = Number(ref reader, key) },
                "downlinkKbps" => link with { DownlinkKbps = Number(ref reader, key) },
                "lossRate" => link with { LossRate = Number(ref reader, key) },
                _ => throw new JsonException($"has no key \"{key}\" (it takes {string.Join(", ", Keys)})"),
            };
        }

        return link;
    }

    public override void Write(Utf8JsonWriter writer, LinkSettings value, JsonSerializerOptions options)
    {
        var preset = ProfileEnumConverter<LinkPreset>.ToName(value.Preset);
        if (value.IsPresetOnly)
        {
            writer.WriteStringValue(preset);
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("preset", preset);
        Write(writer, "rttP50Ms", value.RttP50Ms);
        Write(writer, "rttP99Ms", value.RttP99Ms);
        Write(writer, "uplinkKbps", value.UplinkKbps);
        Write(writer, "downlinkKbps", value.DownlinkKbps);
        Write(writer, "lossRate", value.LossRate);
        writer.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter writer, string key, double? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(key, v);
        }
    }

    private static double Number(ref Utf8JsonReader reader, string key) =>
        reader.TokenType == JsonTokenType.Number ? reader.GetDouble() : throw new JsonException($"\"{key}\" must be a number, got {reader.TokenType.ToString().ToLowerInvariant()}");
}
