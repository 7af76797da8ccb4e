using System.Text.Json.Serialization;

namespace Simulator.Gateway.Auth;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AuthorizerEvent))]
[JsonSerializable(typeof(AuthorizerResponse))]
internal sealed partial class AuthJsonContext : JsonSerializerContext;
