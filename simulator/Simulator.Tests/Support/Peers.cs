namespace Simulator.Tests.Support;

/// <summary>Where the test peers live: the npm folder, Debian's python3 with PyJWT.</summary>
public static class Peers
{
    public static string RepoRoot { get; } = FindRoot();

    public static string NodeDir => System.IO.Path.Combine(RepoRoot, "simulator", "Simulator.Tests", "peers");

    /// <summary>Debian's python3, which has python3-jwt; a pyenv python3 earlier on PATH does not.</summary>
    public const string DebianPython = "/usr/bin/python3";

    private static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir, "Simulator.sln")))
        {
            dir = System.IO.Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("Simulator.sln not found above the test binaries");
    }
}
