using System.Text.Json.Serialization;

namespace Simulator.Core.Load.Profiles;

/// <summary>How a backoff is drawn below its ceiling.</summary>
[JsonConverter(typeof(ProfileEnumConverter<ReconnectJitter>))]
internal enum ReconnectJitter
{
    /// <summary>Uniform from 0 to the ceiling (AWS Architecture Blog, "Exponential Backoff and Jitter").</summary>
    [JsonStringEnumMemberName("full")]
    Full,

    /// <summary>The ceiling itself.</summary>
    [JsonStringEnumMemberName("none")]
    None,
}
