using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace Simulator.Core.Errors;

/// <summary>
/// Turns System.Text.Json's messages into a user's words: no .NET type names, no duplicated
/// path (the caller names file, line and JSON path).
/// </summary>
internal static partial class JsonErrors
{
    /// <param name="context">The document's source-generated metadata: a value that cannot be converted is described by the type its path expects (a record's constructor parameter is otherwise reported as its record).</param>
    /// <param name="root">The document's type.</param>
    public static string Plain(JsonException e, JsonSerializerContext? context = null, Type? root = null)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }

        if (UnknownMember().Match(message) is { Success: true } m)
        {
            return $"unknown key \"{m.Groups[1].Value}\"";
        }

        if (MissingRequired().Match(message) is { Success: true })
        {
            return "missing " + string.Join(", ", MissingProperties(e).Select(n => $"\"{n}\""));
        }

        if (DisallowsNull().IsMatch(message))
        {
            return "must not be null";
        }

        if (CannotConvert().Match(message) is { Success: true } c)
        {
            var expected = context is not null && root is not null && e.Path is { } path ? TypeAt(context, root, path) : null;
            return "expected " + (expected is null ? Describe(c.Groups[1].Value) : Describe(Nullable.GetUnderlyingType(expected) ?? expected));
        }

        if (message.StartsWith('\'') || message.Contains("is an invalid", StringComparison.Ordinal) || message.Contains("expected", StringComparison.OrdinalIgnoreCase))
        {
            return "not valid JSON: " + message.TrimEnd('.');
        }

        return message.TrimEnd('.');
    }

    private static string Describe(Type type) =>
        type == typeof(int) || type == typeof(long) || type == typeof(ushort) || type == typeof(uint) || type == typeof(ulong) || type == typeof(byte) ? "a whole number"
        : type == typeof(double) || type == typeof(float) || type == typeof(decimal) ? "a number"
        : type == typeof(string) ? "a string"
        : type == typeof(bool) ? "true or false"
        : type.IsEnum ? "one of its named choices"
        : type.IsArray || (type.IsGenericType && type.GetGenericTypeDefinition() is var g && (g == typeof(List<>) || g == typeof(IReadOnlyList<>))) ? "an array"
        : "an object";

    /// <summary>The type a JSON path ($.device.qos, $.phases[0].rate) names in the document's metadata; null where it cannot be followed.</summary>
    private static Type? TypeAt(JsonSerializerContext context, Type root, string path)
    {
        var type = root;
        foreach (var segment in path.TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = segment;
            var indexed = segment.IndexOf('[', StringComparison.Ordinal);
            if (indexed >= 0)
            {
                name = segment[..indexed];
            }

            if (name.Length > 0)
            {
                var info = context.GetTypeInfo(type);
                if (info?.Kind != JsonTypeInfoKind.Object || info.Properties.FirstOrDefault(p => p.Name == name) is not { } property)
                {
                    return null;
                }

                type = property.PropertyType;
            }

            for (var i = indexed; i >= 0; i = segment.IndexOf('[', i + 1))
            {
                if (context.GetTypeInfo(type) is not { Kind: JsonTypeInfoKind.Enumerable, ElementType: { } element })
                {
                    return null;
                }

                type = element;
            }
        }

        return type;
    }

    private static string Describe(string type) => type switch
    {
        "System.Int32" or "System.Int64" or "System.UInt16" or "System.Nullable`1[System.Int32]" => "a whole number",
        "System.Double" or "System.Nullable`1[System.Double]" => "a number",
        "System.String" => "a string",
        "System.Boolean" => "true or false",
        _ when type.Contains("List`1", StringComparison.Ordinal) || type.EndsWith("[]", StringComparison.Ordinal) => "an array",
        _ => "an object",
    };

    /// <summary>The members a required-member failure names (STJ's own message lists them), or none.</summary>
    public static IReadOnlyList<string> MissingProperties(JsonException e) =>
        MissingRequired().Match(e.Message) is { Success: true } m
            ? [.. QuotedName().Matches(m.Groups[1].Value).Select(q => q.Groups[1].Value)]
            : [];

    [GeneratedRegex("^JSON deserialization for type '[^']*' was missing required properties(?: including)?: (.*)$", RegexOptions.Singleline)]
    private static partial Regex MissingRequired();

    [GeneratedRegex("'([^']*)'")]
    private static partial Regex QuotedName();

    [GeneratedRegex("doesn't allow (?:getting|setting|deserializing)? ?null values")]
    private static partial Regex DisallowsNull();

    [GeneratedRegex("^The JSON property '([^']*)' could not be mapped")]
    private static partial Regex UnknownMember();

    [GeneratedRegex("^The JSON value could not be converted to ([^ ]+?)\\.?$")]
    private static partial Regex CannotConvert();
}
