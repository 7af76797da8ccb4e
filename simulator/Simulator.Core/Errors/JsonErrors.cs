using System.Text.Json;
using System.Text.RegularExpressions;

namespace Simulator.Core.Errors;

/// <summary>
/// Turns System.Text.Json's messages into a user's words: no .NET type names, no duplicated
/// path (the caller names file, line and JSON path).
/// </summary>
internal static partial class JsonErrors
{
    public static string Plain(JsonException e)
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
            return "expected " + Describe(c.Groups[1].Value);
        }

        if (message.StartsWith('\'') || message.Contains("is an invalid", StringComparison.Ordinal) || message.Contains("expected", StringComparison.OrdinalIgnoreCase))
        {
            return "not valid JSON: " + message.TrimEnd('.');
        }

        return message.TrimEnd('.');
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
