using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Simulator.Core.Errors;

namespace Simulator.Gateway.Logging;

/// <summary>
/// A logger whose every line, and the exception written with it, passes <see cref="Secrets.Redact"/>
/// first, then the values of the authorizers' own token keys (a key not named like "token" is
/// still a credential), and whose control characters are written as escapes: text a client sent
/// (a client id, a path) cannot move the terminal's cursor or forge a line.
/// </summary>
internal sealed class RedactingLogger(ILogger inner, Regex? tokenKeys) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel))
        {
            return;
        }

        // The exception goes in as redacted text: its message may quote what it failed on.
        var line = Secrets.Redact(exception is null ? formatter(state, exception) : $"{formatter(state, exception)} {exception}");
        if (tokenKeys is not null)
        {
            line = tokenKeys.Replace(line, m => m.Groups["key"].Value + m.Groups["sep"].Value + Secrets.Mark);
        }

        inner.Log(logLevel, eventId, EscapeControls(line, exception is not null), null, static (text, _) => text);
    }

    /// <summary>Control characters as <c>\xNN</c>; an exception's own line breaks (its stack) are kept.</summary>
    internal static string EscapeControls(string line, bool keepLineBreaks)
    {
        if (!line.AsSpan().ContainsAnyInRange('\0', '\x1f') && !line.Contains('\x7f', StringComparison.Ordinal))
        {
            return line;
        }

        var b = new System.Text.StringBuilder(line.Length + 16);
        foreach (var c in line)
        {
            if ((c < ' ' || c == '\x7f') && !(keepLineBreaks && c is '\n' or '\r') && c != '\t')
            {
                b.Append("\\x").Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                b.Append(c);
            }
        }

        return b.ToString();
    }
}
