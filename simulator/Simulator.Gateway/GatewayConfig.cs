using System.Text.Json;
using Simulator.Core.Errors;

namespace Simulator.Gateway;

/// <summary>Reads a gateway config file; a bad key or value is an error naming the file, line and JSON path.</summary>
public static class GatewayConfig
{
    public static GatewayOptions Load(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize(stream, GatewayConfigJsonContext.Default.GatewayOptions)
                ?? throw new InputException("the config is null", path);
        }
        catch (FileNotFoundException)
        {
            throw new InputException("config file not found", path);
        }
        catch (JsonException e)
        {
            var message = e.Message;
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            throw new InputException("invalid gateway config: " + (cut > 0 ? message[..cut] : message), path, e.LineNumber + 1, e.Path);
        }
    }

    /// <summary>The "gateway" section of a run profile.</summary>
    public static GatewayOptions FromJson(JsonElement section, string source)
    {
        try
        {
            return section.Deserialize(GatewayConfigJsonContext.Default.GatewayOptions) ?? new GatewayOptions();
        }
        catch (JsonException e)
        {
            var message = e.Message;
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            throw new InputException("invalid gateway section: " + (cut > 0 ? message[..cut] : message), source, field: "$.gateway" + (e.Path is { } p ? p[1..] : string.Empty));
        }
    }
}
