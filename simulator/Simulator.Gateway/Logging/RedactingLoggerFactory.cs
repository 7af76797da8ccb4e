using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Simulator.Gateway.Logging;

/// <summary>
/// Every logger the gateway and its ASP.NET host create, redacted: request lines carry query
/// strings, and devices put their token and signature there (credentials: query, the JS SDK v1
/// form, AWS's own tutorial), under the key each authorizer names. Wraps the factory the caller
/// gave; disposing it is the caller's.
/// </summary>
internal sealed class RedactingLoggerFactory(ILoggerFactory inner, IEnumerable<string> tokenKeyNames) : ILoggerFactory
{
    private readonly Regex? _tokenKeys = TokenKeys(tokenKeyNames);

    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName), _tokenKeys);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
    }

    /// <summary>The value after any of these keys, as a query parameter, a header or a JSON member; null when there are none.</summary>
    private static Regex? TokenKeys(IEnumerable<string> names)
    {
        var keys = names.Where(n => !string.IsNullOrEmpty(n)).Distinct(StringComparer.OrdinalIgnoreCase).Select(Regex.Escape).ToList();
        return keys.Count == 0
            ? null
            : new Regex($"(?<key>(?<![A-Za-z0-9_-])(?:{string.Join('|', keys)}))(?<sep>=|\"\\s*:\\s*\"|:\\s*)(?!<redacted>)[^\\s&\"',;]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
