using Microsoft.Extensions.Logging;

namespace Simulator.Gateway.Logging;

/// <summary>
/// Every logger the gateway and its ASP.NET host create, redacted: request lines carry query
/// strings, and devices put their token and signature there (credentials: query, the JS SDK v1
/// form, AWS's own tutorial). Wraps the factory the caller gave; disposing it is the caller's.
/// </summary>
internal sealed class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
    }
}
