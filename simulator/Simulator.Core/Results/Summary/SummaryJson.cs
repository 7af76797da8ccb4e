using System.ComponentModel;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using Simulator.Core.Errors;

namespace Simulator.Core.Results.Summary;

/// <summary>
/// summary.json on disk: written from <see cref="RunSummary"/>, read back into it, and its JSON
/// Schema generated from the same types (docs/summary.schema.json). A file that does not fit is
/// bad input naming the file, the line and the field, never a .NET exception.
/// </summary>
public static class SummaryJson
{
    /// <summary>The oldest layout read whole (merge): version 5 only added "incomplete".</summary>
    public const int ReadsFrom = 4;

    private static readonly SummaryJsonContext Context = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,

        // Plain quotes and '<' in failure messages and profile text, as a reader expects them.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    private static readonly SummaryJsonContext CompactContext = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.Default });

    public static string Write(RunSummary summary) => JsonSerializer.Serialize(summary, Context.RunSummary) + "\n";

    /// <summary>A run's summary, whole; a capacity search's, another layout, or a malformed file is bad input.</summary>
    public static RunSummary Read(string file)
    {
        var bytes = ReadBytes(file);
        var header = Header(bytes, file, "a run summary");
        if (header.Kind == "capacity")
        {
            throw new InputException("a capacity search's summary, not a run's", file, field: "kind");
        }

        if (header.SchemaVersion is not { } version || version < ReadsFrom || version > RunSummary.CurrentSchema)
        {
            throw new InputException($"schema version {header.SchemaVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"}, but this simulator reads versions {ReadsFrom} to {RunSummary.CurrentSchema}: use the version that wrote it", file, field: "schemaVersion");
        }

        return Parse(bytes, file, Context.RunSummary);
    }

    internal static string Write(RunStartRecord start) => JsonSerializer.Serialize(start, Context.RunStartRecord) + "\n";

    /// <summary>report.html's per-second series, by name, as one compact JSON object for its inline script.</summary>
    public static string WriteChartSeries(Dictionary<string, double?[]> series) => JsonSerializer.Serialize(series, CompactContext.ChartSeries);

    /// <summary>A run's run.json, of this simulator's layout only: it is read to judge the rows this version wrote.</summary>
    internal static RunStartRecord ReadStart(string file)
    {
        var bytes = ReadBytes(file);
        var version = Header(bytes, file, "a run's start record").SchemaVersion;
        if (version != RunSummary.CurrentSchema)
        {
            throw new InputException($"schema version {version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"}, but this simulator reads version {RunSummary.CurrentSchema}: report with the version that ran it", file, field: "schemaVersion");
        }

        return Parse(bytes, file, Context.RunStartRecord);
    }

    /// <summary>The figures <c>compare</c> judges, from a run's summary of any schema.</summary>
    internal static ComparedRun ReadForComparison(string file)
    {
        var bytes = ReadBytes(file);
        var header = Header(bytes, file, "a run summary");
        if (header.Kind == "capacity")
        {
            throw new InputException("a capacity search's summary, not a run's: compare two runs", file, field: "kind");
        }

        if (header.SchemaVersion is not { } version || version < 1 || version > RunSummary.CurrentSchema)
        {
            throw new InputException($"not a run summary (schema version 1 to {RunSummary.CurrentSchema})", file, field: "schemaVersion");
        }

        return Parse(bytes, file, Context.ComparedRun);
    }

    /// <summary>The JSON Schema (draft 2020-12) of <see cref="RunSummary"/>, as docs/summary.schema.json holds it.</summary>
    public static string Schema()
    {
        var schema = Context.Options.GetJsonSchemaAsNode(typeof(RunSummary), new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = Describe,
        }).AsObject();
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = "nrf-fleet-simulator run summary (summary.json)",
        };
        foreach (var (key, value) in schema.ToList())
        {
            schema.Remove(key);
            root[key] = value;
        }

        root["properties"]!["schemaVersion"]!.AsObject()["const"] = RunSummary.CurrentSchema;
        return root.ToJsonString(Context.Options) + "\n";
    }

    private static JsonNode Describe(JsonSchemaExporterContext ctx, JsonNode node)
    {
        var provider = ctx.PropertyInfo?.AttributeProvider ?? (ctx.PropertyInfo is null ? ctx.TypeInfo.Type : null);
        if (node is JsonObject o && provider?.GetCustomAttributes(typeof(DescriptionAttribute), inherit: false).OfType<DescriptionAttribute>().FirstOrDefault() is { } d)
        {
            o.Insert(0, "description", d.Description);
        }

        return node;
    }

    private static byte[] ReadBytes(string file)
    {
        try
        {
            return File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"cannot be read: {e.Message}", file);
        }
    }

    /// <summary>The file's own word on its layout; not JSON, or not an object, is bad input naming the file and the line.</summary>
    private static SummaryHeader Header(byte[] bytes, string file, string what)
    {
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InputException($"not {what} (expected an object)", file);
            }
        }
        catch (JsonException e)
        {
            throw new InputException($"invalid {Path.GetFileName(file)}: {JsonErrors.Plain(e)}", file, e.LineNumber + 1);
        }

        return Parse(bytes, file, Context.SummaryHeader);
    }

    private static T Parse<T>(byte[] bytes, string file, JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(bytes, type) ?? throw new InputException("is null, not a run summary", file);
        }
        catch (JsonException e)
        {
            var field = e.Path is { Length: > 1 } p ? p.TrimStart('$', '.') : null;
            if (JsonErrors.MissingProperties(e) is { Count: > 0 } missing)
            {
                var at = field is null ? string.Empty : field + ".";
                throw new InputException(missing.Count == 1 ? "missing" : $"missing, with {string.Join(", ", missing.Skip(1).Select(m => at + m))}", file, e.LineNumber + 1, at + missing[0]);
            }

            throw new InputException(JsonErrors.Plain(e), file, e.LineNumber + 1, field);
        }
    }
}
