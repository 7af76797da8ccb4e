using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Simulator.Core.Results.Summary;

/// <summary>
/// summary.json of a run: the one shape the writer writes, <c>merge</c> and <c>compare</c> read, the
/// reports are built from, and docs/summary.schema.json describes. Members added after schema 4
/// have defaults, so older summaries still read.
/// </summary>
[Description("A run's summary.json: how it was judged, what it measured, and on what.")]
public sealed record RunSummary
{
    /// <summary>The version this simulator writes.</summary>
    public const int CurrentSchema = 8;

    /// <summary>The tool field's one value.</summary>
    public const string ToolName = "nrf-fleet-simulator";

    [Description("The layout of this file; 5 added \"incomplete\", 6 \"aborted\", 7 \"steps\".")]
    public required int SchemaVersion { get; init; }

    [Description("Always \"nrf-fleet-simulator\".")]
    public required string Tool { get; init; }

    public required string ProfileName { get; init; }

    [Description("When the plan's first second began (ISO 8601).")]
    public required DateTimeOffset StartedAt { get; init; }

    public required double DurationSeconds { get; init; }

    [Description("passed, failed, cancelled, incomplete, aborted (the target refused every warm-up device) or unjudged (the thresholds section is empty).")]
    public required string Verdict { get; init; }

    public required bool Passed { get; init; }

    [Description("Stopped before its plan ended: no verdict on the target.")]
    public required bool Cancelled { get; init; }

    [Description("The profile set no thresholds, so the stated defaults judged it.")]
    public bool ThresholdsDefaulted { get; init; }

    [Description("Why these figures are partial: the run died and `simulator report` rebuilt it from its rows. Null for a run that ended.")]
    public string? Incomplete { get; init; }

    [Description("Why the plan never ran: the target refused every warm-up device, named by class with one scrubbed example. Null for a run whose plan ran.")]
    public string? Aborted { get; init; }

    [Description("The simulator's commit, or \"unknown\".")]
    public required string GitCommit { get; init; }

    public required MachineSummary Machine { get; init; }

    [Description("The TLS implementation the devices' MQTT connects ran on.")]
    public required string Tls { get; init; }

    [Description("How late the plan started after the agreed instant (--start-at); absent when none was set.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? StartSkewMs { get; init; }

    [Description("The profile as run, its fleet seed replaced by a fingerprint.")]
    public required JsonObject Profile { get; init; }

    public required DeviceCounts Devices { get; init; }

    [Description("Connect attempts opened.")]
    public required long AttemptsStarted { get; init; }

    [Description("Connect attempts that ended connected or failed.")]
    public required long Attempts { get; init; }

    public required long Successes { get; init; }

    public required long Failed { get; init; }

    [Description("Attempts cut short by the run's own stop: neither success nor failure.")]
    public required long Interrupted { get; init; }

    [Description("failed / attempts.")]
    public required double ErrorRate { get; init; }

    [Description("Failed attempts by failure class.")]
    public required IReadOnlyDictionary<string, long> Failures { get; init; }

    [Description("Sessions lost after connecting, by class.")]
    public required IReadOnlyDictionary<string, long> Drops { get; init; }

    [Description("Dropped sessions by what the client last sent.")]
    public required IReadOnlyDictionary<string, long> DropsByLastAction { get; init; }

    [Description("Devices whose own code threw, by exception class.")]
    public required IReadOnlyDictionary<string, long> Crashes { get; init; }

    [Description("The first message of each unexpected exception class.")]
    public required IReadOnlyDictionary<string, string> Unexpected { get; init; }

    public required long Publishes { get; init; }

    public required long PubAcks { get; init; }

    [Description("The devices' own messages delivered back to them.")]
    public required long Received { get; init; }

    public required AccountingSummary Accounting { get; init; }

    public required GeneratorSummary Generator { get; init; }

    [Description("The embedded target's authorizer over the run; absent against another target.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AuthorizerSummary? TargetAuthorizer { get; init; }

    public required PhaseHistograms Histograms { get; init; }

    [Description("The thresholds judged, in the order they were.")]
    public required IReadOnlyList<ThresholdSummary> Thresholds { get; init; }

    [Description("The plan's outages, each with its reconnect storm; absent when the plan has none.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<OutageSummary>? Outages { get; init; }

    [Description("A duty-cycle run's wakes and what they cost the target; absent for other scenarios.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DutyCycleSummary? DutyCycle { get; init; }

    [Description("A code scenario's named steps, by name; absent when the scenario names none.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, StepSummary>? Steps { get; init; }

    [Description("The backend consumers' figures (schema 8); absent without consumers.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ConsumerSummary? Consumers { get; init; }

    [Description("Cloud-to-device commands (schema 8); absent without commands.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CommandSummary? Commands { get; init; }

    [Description("A merged run's shards, each with its own machine's health; absent on a single run.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ShardSummary>? Shards { get; init; }
}
