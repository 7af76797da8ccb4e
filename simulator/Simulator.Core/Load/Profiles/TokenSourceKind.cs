using System.Text.Json.Serialization;

namespace Simulator.Core.Load.Profiles;

/// <summary>How a device gets its token.</summary>
[JsonConverter(typeof(ProfileEnumConverter<TokenSourceKind>))]
internal enum TokenSourceKind
{
    /// <summary>GET the 1NCE onboarding endpoint.</summary>
    [JsonStringEnumMemberName("1nce-onboarding")]
    OnceOnboarding,

    /// <summary>Mint an ES256 JWT as AT%JWT does.</summary>
    [JsonStringEnumMemberName("device-jwt")]
    DeviceJwt,

    /// <summary>Mint 1NCE-style issuer tokens in process with the embedded gateway's keys.</summary>
    [JsonStringEnumMemberName("local-issuer")]
    LocalIssuer,
}
