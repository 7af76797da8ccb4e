using System.Text.Encodings.Web;
using System.Text.Json;

namespace Simulator.Gateway.Config;

/// <summary>Response JSON as AWS and 1NCE write it: '&amp;' and '+' unescaped, so usernames read as sent.</summary>
internal static class GatewayJson
{
    public static readonly GatewayJsonContext Context = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
