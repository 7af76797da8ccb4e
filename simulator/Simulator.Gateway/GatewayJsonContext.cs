using System.Text.Json.Serialization;

namespace Simulator.Gateway;

[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(object[]))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
