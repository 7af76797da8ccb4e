namespace Simulator.Core.Scenarios;

/// <summary>What a scenario or step may be called: a name that is safe as a JSON key, a CSV header and a file name.</summary>
internal static class StepNames
{
    public const int MaxLength = 64;

    public static string Check(string name, string parameter) => Check(name, parameter, colon: false);

    /// <summary>A failure class may also hold ':' (e.g. "SubAck:NotAuthorized", as the engine names its own).</summary>
    public static string CheckClass(string name, string parameter) => Check(name, parameter, colon: true);

    private static string Check(string name, string parameter, bool colon)
    {
        ArgumentException.ThrowIfNullOrEmpty(name, parameter);
        var valid = name.Length <= MaxLength;
        foreach (var c in name)
        {
            valid &= char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' || (colon && c == ':');
        }

        if (!valid)
        {
            throw new ArgumentException($"'{name}' is not a valid name: use letters, digits, '-', '_'{(colon ? ", ':'" : string.Empty)} and '.', at most {MaxLength}", parameter);
        }

        return name;
    }
}
