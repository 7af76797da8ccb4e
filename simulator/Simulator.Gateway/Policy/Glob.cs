namespace Simulator.Gateway.Policy;

/// <summary>
/// IAM-style wildcard matching: '*' any run of characters, '?' one character, case-sensitive.
/// A value substituted into a pattern is literal: <see cref="Literal"/> marks its '*' and '?' so
/// they match only themselves.
/// </summary>
internal static class Glob
{
    // Private-use characters: never in a topic or an ARN an AWS policy could name.
    private const char LiteralStar = '\uE000';
    private const char LiteralQuestion = '\uE001';

    /// <summary>The text as part of a pattern that matches exactly it.</summary>
    public static string Literal(string text) =>
        text.AsSpan().IndexOfAny('*', '?') < 0 ? text : text.Replace('*', LiteralStar).Replace('?', LiteralQuestion);

    public static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text, bool ignoreCase = false)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || Same(pattern[p], text[t], ignoreCase)))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool Same(char a, char b, bool ignoreCase) => a switch
    {
        LiteralStar => b == '*',
        LiteralQuestion => b == '?',
        _ => ignoreCase ? char.ToLowerInvariant(a) == char.ToLowerInvariant(b) : a == b,
    };
}
