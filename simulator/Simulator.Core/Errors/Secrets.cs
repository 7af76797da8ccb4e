using System.Text.RegularExpressions;

namespace Simulator.Core.Errors;

/// <summary>
/// Blanks what may be a credential in text bound for a log, a report or a console: JWTs, long
/// base64 runs (signatures, keys), the same runs URL-encoded (%2B, %2F, %3D count as one
/// character of the run), and the value of any credential-named query parameter or header.
/// </summary>
internal static partial class Secrets
{
    public const string Mark = "<redacted>";

    /// <summary>For one-line messages (exceptions, failures): redacted, on one line, at most 200 characters.</summary>
    public static string Scrub(string message)
    {
        var cleaned = Redact(message).ReplaceLineEndings(" ");
        return cleaned.Length > 200 ? cleaned[..200] + "…" : cleaned;
    }

    /// <summary>For log lines: every credential-like part replaced by <see cref="Mark"/>, nothing cut.</summary>
    public static string Redact(string text)
    {
        var cleaned = CredentialValue().Replace(text, m => m.Groups["key"].Value + m.Groups["sep"].Value + Mark);
        return TokenLike().Replace(cleaned, Mark);
    }

    // token=…, x-amz-customauthorizer-signature=…, password: …, apiKey=… (query strings, headers, JSON-ish text).
    [GeneratedRegex("(?<key>(?:[A-Za-z0-9_-]*token|[A-Za-z0-9_-]*signature|password|api[-_]?key|authorization|secret))(?<sep>=|\"\\s*:\\s*\")(?!<redacted>)[^\\s&\"',;]+", RegexOptions.IgnoreCase)]
    private static partial Regex CredentialValue();

    // JWTs (three base64url segments) and long base64 runs, URL-encoded or not.
    [GeneratedRegex("[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}|(?:[A-Za-z0-9+/=_-]|%[0-9A-Fa-f]{2}){40,}")]
    private static partial Regex TokenLike();
}
