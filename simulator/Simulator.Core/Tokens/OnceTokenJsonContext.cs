using System.Text.Json.Serialization;

namespace Simulator.Core.Tokens;

[JsonSerializable(typeof(OnceTokenClaims))]
internal sealed partial class OnceTokenJsonContext : JsonSerializerContext;
