namespace Simulator.Core.Errors;

/// <summary>
/// Bad input from a user: a file, a line, a field and what is wrong with it. The CLI prints
/// <see cref="Exception.Message"/> and exits 2, never a stack trace. Messages never carry secrets.
/// </summary>
public sealed class InputException : Exception
{
    public InputException(string message, string? file = null, long? line = null, string? field = null, Exception? inner = null)
        : base(Format(message, file, line, field), inner)
    {
        File = file;
        Line = line;
        Field = field;
        Problem = message;
    }

    public string? File { get; }

    public long? Line { get; }

    public string? Field { get; }

    /// <summary>The problem alone, without the location prefix.</summary>
    public string Problem { get; }

    private static string Format(string message, string? file, long? line, string? field)
    {
        var where = file ?? string.Empty;
        if (line is { } l)
        {
            where += where.Length > 0 ? $":{l}" : $"line {l}";
        }

        if (!string.IsNullOrEmpty(field))
        {
            where += where.Length > 0 ? $" ({field})" : field;
        }

        return where.Length > 0 ? $"{where}: {message}" : message;
    }
}
