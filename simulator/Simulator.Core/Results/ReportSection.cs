namespace Simulator.Core.Results;

/// <summary>One table of a run report: the same rows render as markdown and as HTML.</summary>
internal sealed record ReportSection(string Title, string[] Header, List<string[]> Rows)
{
    public string? Note { get; init; }
}
