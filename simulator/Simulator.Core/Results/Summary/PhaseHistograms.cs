using System.ComponentModel;
using Simulator.Core.Metrics;

namespace Simulator.Core.Results.Summary;

/// <summary>A histogram for every timed phase (<see cref="Phase"/>), each under its own name.</summary>
[Description("A histogram for every timed phase of a device's life.")]
public sealed record PhaseHistograms
{
    [Description("Fetching a token from the onboarding endpoint.")]
    public required HistogramSummary TokenFetch { get; init; }

    [Description("Signing the device's own JWT.")]
    public required HistogramSummary TokenMint { get; init; }

    public required HistogramSummary Dns { get; init; }

    public required HistogramSummary Tcp { get; init; }

    public required HistogramSummary Tls { get; init; }

    [Description("The WebSocket upgrade.")]
    public required HistogramSummary WebSocket { get; init; }

    [Description("CONNECT sent to CONNACK.")]
    public required HistogramSummary ConnAck { get; init; }

    [Description("From when the attempt was due (planned arrival, or end of backoff) to CONNACK: generator lag included, not hidden.")]
    public required HistogramSummary Connect { get; init; }

    [Description("PUBLISH to PUBACK.")]
    public required HistogramSummary PubAck { get; init; }

    [Description("PUBLISH to the device's own message delivered back.")]
    public required HistogramSummary EndToEnd { get; init; }

    [Description("One HTTPS publish, request to answer.")]
    public required HistogramSummary HttpPublish { get; init; }

    [Description("One nRF Cloud location request.")]
    public required HistogramSummary Location { get; init; }

    [Description("How late a device started against its planned arrival: the generator's own lag.")]
    public required HistogramSummary ScheduleLag { get; init; }

    [Description("Age of sessions that ended without being asked to.")]
    public required HistogramSummary SessionAgeAtDrop { get; init; }

    [Description("Fan-in: a device's PUBLISH sent to a backend consumer's receipt of it (consumers).")]
    public HistogramSummary Delivery { get; init; } = HistogramSummary.Of(new Histograms.LatencyHistogram()); // summaries before schema 8 have none

    [Description("Cloud to device: the backend's command PUBLISH sent to the device's receipt of it (commands).")]
    public HistogramSummary Command { get; init; } = HistogramSummary.Of(new Histograms.LatencyHistogram());

    internal HistogramSummary this[Phase phase] => phase switch
    {
        Phase.TokenFetch => TokenFetch,
        Phase.TokenMint => TokenMint,
        Phase.Dns => Dns,
        Phase.Tcp => Tcp,
        Phase.Tls => Tls,
        Phase.WebSocket => WebSocket,
        Phase.ConnAck => ConnAck,
        Phase.Connect => Connect,
        Phase.PubAck => PubAck,
        Phase.EndToEnd => EndToEnd,
        Phase.HttpPublish => HttpPublish,
        Phase.Location => Location,
        Phase.ScheduleLag => ScheduleLag,
        Phase.SessionAgeAtDrop => SessionAgeAtDrop,
        Phase.Delivery => Delivery,
        Phase.Command => Command,
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, null),
    };

    /// <summary>The phases in the order the file lists them, each with the name it has there.</summary>
    internal IEnumerable<(Phase Phase, string Name, HistogramSummary Histogram)> All() =>
        Enum.GetValues<Phase>().Select(p => (p, System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(p.ToString()), this[p]));

    internal static PhaseHistograms From(Func<Phase, HistogramSummary> of) => new()
    {
        TokenFetch = of(Phase.TokenFetch),
        TokenMint = of(Phase.TokenMint),
        Dns = of(Phase.Dns),
        Tcp = of(Phase.Tcp),
        Tls = of(Phase.Tls),
        WebSocket = of(Phase.WebSocket),
        ConnAck = of(Phase.ConnAck),
        Connect = of(Phase.Connect),
        PubAck = of(Phase.PubAck),
        EndToEnd = of(Phase.EndToEnd),
        HttpPublish = of(Phase.HttpPublish),
        Location = of(Phase.Location),
        ScheduleLag = of(Phase.ScheduleLag),
        SessionAgeAtDrop = of(Phase.SessionAgeAtDrop),
        Delivery = of(Phase.Delivery),
        Command = of(Phase.Command),
    };
}
