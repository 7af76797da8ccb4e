using System.Text.Json.Serialization;

namespace Simulator.Core.Load.Profiles;

/// <summary>How a ramp's arrivals are spaced (open model): evenly at 1/rate, or as a Poisson process of that rate.</summary>
[JsonConverter(typeof(ProfileEnumConverter<ArrivalMode>))]
internal enum ArrivalMode
{
    [JsonStringEnumMemberName("even")]
    Even,

    [JsonStringEnumMemberName("poisson")]
    Poisson,
}
