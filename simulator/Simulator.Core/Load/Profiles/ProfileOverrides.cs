using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Simulator.Core.Errors;

namespace Simulator.Core.Load.Profiles;

/// <summary><c>--set path=value</c>: each pair written into the document before it is read; a value that is not JSON is a string.</summary>
internal static class ProfileOverrides
{
    /// <param name="overridden">Filled with each JSON path set and the pair that set it, so a bad value is blamed on its --set.</param>
    public static byte[] Apply(byte[] bytes, string source, List<string> overrides, Dictionary<string, string> overridden)
    {
        JsonNode root;
        try
        {
            root = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, AllowDuplicateProperties = false }) ?? new JsonObject();
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
