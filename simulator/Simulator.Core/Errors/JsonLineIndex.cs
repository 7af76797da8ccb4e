using System.Text.Json;

namespace Simulator.Core.Errors;

/// <summary>Maps each JSON path ($.phases[1].rate) of a document to its line, so semantic errors can name the line too.</summary>
internal static class JsonLineIndex
{
    public static Dictionary<string, long> Build(ReadOnlySpan<byte> json) => Build(json, out _);

    /// <summary>As <see cref="Build(ReadOnlySpan{byte})"/>, and the first key that an object repeats (its path and line), if any.</summary>
    public static Dictionary<string, long> Build(ReadOnlySpan<byte> json, out (string Path, long Line)? repeated)
    {
        repeated = null;
        var lines = new Dictionary<string, long>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var path = new List<string> { "$" };
        var arrayIndex = new Stack<int>();
        string? pendingName = null;
        try
        {
            while (reader.Read())
            {
                var line = LineOf(json, (int)reader.TokenStartIndex);
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        pendingName = reader.GetString();
                        var key = string.Concat(path) + "." + pendingName;
                        if (!lines.TryAdd(key, line))
                        {
                            repeated ??= (key, line);
                            lines[key] = line;
                        }

                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        path.Add(Segment(ref pendingName, arrayIndex));
                        if (reader.TokenType == JsonTokenType.StartArray)
                        {
                            arrayIndex.Push(0);
                        }
                        else
                        {
                            arrayIndex.Push(-1);
                        }

                        lines.TryAdd(string.Concat(path), line);
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        arrayIndex.Pop();
                        Advance(arrayIndex);
                        break;
                    default:
                        var segment = Segment(ref pendingName, arrayIndex);
                        lines.TryAdd(string.Concat(path) + segment, line);
                        Advance(arrayIndex);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Syntax errors are reported by the deserializer with their own line.
        }

        return lines;
    }

    private static string Segment(ref string? pendingName, Stack<int> arrayIndex)
    {
        if (pendingName is not null)
        {
            var s = "." + pendingName;
            pendingName = null;
            return s;
        }

        return arrayIndex.Count > 0 && arrayIndex.Peek() >= 0 ? $"[{arrayIndex.Peek()}]" : string.Empty;
    }

    private static void Advance(Stack<int> arrayIndex)
    {
        if (arrayIndex.Count > 0 && arrayIndex.Peek() >= 0)
        {
            arrayIndex.Push(arrayIndex.Pop() + 1);
        }
    }

    private static long LineOf(ReadOnlySpan<byte> json, int position) => json[..position].Count((byte)'\n') + 1;
}
