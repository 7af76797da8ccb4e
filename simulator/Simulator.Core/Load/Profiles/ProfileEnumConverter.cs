using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Simulator.Core.Load.Profiles;

/// <summary>
/// Reads a profile choice as its enum, by the exact names in <see cref="JsonStringEnumMemberNameAttribute"/>.
/// An unknown name is refused with the allowed values (the loader adds file, line and JSON path),
/// never with a .NET type name: profiles are parsed once, so nothing downstream compares strings.
/// </summary>
internal sealed class ProfileEnumConverter<T> : JsonConverter<T>
    where T : struct, Enum
{
    private static readonly (string Name, T Value)[] Names = [.. Enum.GetValues<T>().Select(v => (NameOf(v), v))];

    public static string Allowed => string.Join(", ", Names.Select(n => $"\"{n.Name}\""));

    /// <summary>Every name a profile may give, in declaration order (the profile schema's enum).</summary>
    public static IReadOnlyList<string> AllNames => [.. Names.Select(n => n.Name)];

    public static string ToName(T value) => Names.First(n => EqualityComparer<T>.Default.Equals(n.Value, value)).Name;

    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"must be one of {Allowed}, got {reader.TokenType.ToString().ToLowerInvariant()}");
        }

        var text = reader.GetString();
        foreach (var (name, value) in Names)
        {
            if (string.Equals(name, text, StringComparison.Ordinal))
            {
                return value;
            }
        }

        throw new JsonException($"must be one of {Allowed}, got \"{text}\"");
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(ToName(value));

    private static string NameOf(T value)
    {
        var field = typeof(T).GetField(value.ToString(), BindingFlags.Public | BindingFlags.Static);
        return field?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
    }
}
