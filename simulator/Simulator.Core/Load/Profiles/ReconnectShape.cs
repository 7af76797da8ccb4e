using System.Text.Json.Serialization;

namespace Simulator.Core.Load.Profiles;

/// <summary>How a backoff's ceiling grows with the failures in a row.</summary>
[JsonConverter(typeof(ProfileEnumConverter<ReconnectShape>))]
internal enum ReconnectShape
{
    /// <summary>The n-th ceiling is base·2^n.</summary>
    [JsonStringEnumMemberName("exponential")]
    Exponential,

    /// <summary>The n-th ceiling is 2·base + (n − 1)·increment.</summary>
    [JsonStringEnumMemberName("linear")]
    Linear,
}
