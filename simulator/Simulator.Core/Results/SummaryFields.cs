using System.Text.Json;
using Simulator.Core.Errors;

namespace Simulator.Core.Results;

/// <summary>
/// Reading a summary.json the user handed us (compare, merge): each field is checked for its kind,
/// and a missing or wrong one is bad input naming the file and the field's path, never a .NET exception.
/// </summary>
internal static class SummaryFields
{
    /// <summary>A results file read as one JSON object; not JSON, or not an object, is bad input naming the file (and the line).</summary>
    public static JsonElement ReadObject(string file, string what)
    {
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InputException($"not JSON: {JsonErrors.Plain(e)}", file, e.LineNumber + 1);
        }

        return root.ValueKind == JsonValueKind.Object ? root : throw new InputException($"not {what} (expected an object)", file);
    }

    public static JsonElement Obj(JsonElement e, string name, string file, string? at = null) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : throw Bad("an object", name, file, at);

    public static double Number(JsonElement e, string name, string file, string? at = null) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Bad("a number", name, file, at);

    public static long Long(JsonElement e, string name, string file, string? at = null) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : throw Bad("a whole number", name, file, at);

    public static string Text(JsonElement e, string name, string file, string? at = null) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Bad("a string", name, file, at);

    /// <summary>A string, or null where the field is null or absent.</summary>
    public static string? OptionalText(JsonElement e, string name, string file, string? at = null) =>
        !e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString() : throw Bad("a string or null", name, file, at);

    public static double? OptionalNumber(JsonElement e, string name, string file, string? at = null) =>
        !e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Bad("a number or null", name, file, at);

    /// <param name="optional">An absent field reads false (older summaries lack it); a present one must be true or false.</param>
    public static bool Bool(JsonElement e, string name, string file, string? at = null, bool optional = false)
    {
        if (e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return v.GetBoolean();
        }

        return optional && !e.TryGetProperty(name, out _) ? false : throw Bad("true or false", name, file, at);
    }

    /// <summary>An object of whole-number counts by name (failures, drops).</summary>
    public static Dictionary<string, long> Counts(JsonElement e, string name, string file) =>
        Obj(e, name, file).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.TryGetInt64(out var n) ? n : throw Bad("a whole number", p.Name, file, name), StringComparer.Ordinal);

    private static InputException Bad(string kind, string name, string file, string? at) =>
        new($"missing or not {kind}", file, field: at is null ? name : $"{at}.{name}");
}
