namespace Simulator.Core.NrfCloud;

/// <summary>One CSV record and the body line it starts on.</summary>
internal sealed record CsvRow(int Line, string[] Fields, bool UnterminatedQuote = false);
