namespace Simulator.Gateway.Http;

/// <summary>One nRF Cloud bulk operation: PENDING until its completion time, then SUCCEEDED or FAILED.</summary>
internal sealed record BulkOp(string Id, string Endpoint, DateTimeOffset RequestedAt, DateTimeOffset CompletesAt, IReadOnlyList<string> Errors, int Rows);
