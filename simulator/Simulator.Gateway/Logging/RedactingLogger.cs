using Microsoft.Extensions.Logging;
using Simulator.Core.Errors;

namespace Simulator.Gateway.Logging;

/// <summary>A logger whose every line, and the exception written with it, passes <see cref="Secrets.Redact"/> first.</summary>
internal sealed class RedactingLogger(ILogger inner) : ILogger
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
        inner.Log(logLevel, eventId, line, null, static (text, _) => text);
    }
}
