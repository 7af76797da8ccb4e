using System.Text.Json.Serialization;

namespace Simulator.Core.Results.Summary;

/// <summary>summary.json's types, source-generated: camelCase, nullability and required members enforced, no unknown keys in a run's summary.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(RunSummary))]
[JsonSerializable(typeof(SummaryHeader))]
[JsonSerializable(typeof(ComparedRun))]
[JsonSerializable(typeof(RunStartRecord))]
[JsonSerializable(typeof(Dictionary<string, double?[]>), TypeInfoPropertyName = "ChartSeries")]
internal sealed partial class SummaryJsonContext : JsonSerializerContext;
