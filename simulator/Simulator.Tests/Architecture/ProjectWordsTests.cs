using System.Text.RegularExpressions;

namespace Simulator.Tests.Architecture;

/// <summary>
/// The project speaks of itself only: its docs, comments, scripts and measurement records name the
/// product, its behaviour and its measurements, never the work items or sittings that produced
/// them ("issue 10's target", "since session 7"). Measurement history belongs in CHANGELOG.md, dated.
/// </summary>
public sealed partial class ProjectWordsTests
{
    private static readonly string[] Extensions = [".md", ".cs", ".sh", ".py", ".json", ".yaml", ".yml", ".csproj", ".props", ".js", ".txt"];

    [Fact]
    public void NoTrackedFileNamesTheProcessThatProducedIt()
    {
        var root = Root();
        var files = TrackedFiles(root).Where(f => Extensions.Contains(Path.GetExtension(f))).ToList();
        Assert.True(files.Count > 200, $"only {files.Count} tracked text files found under {root}");
        var hits = new List<string>();
        foreach (var file in files)
        {
            var n = 0;
            foreach (var line in File.ReadLines(Path.Combine(root, file)))
            {
                n++;
                if (ProcessWords().Match(line) is { Success: true } m)
                {
                    hits.Add($"{file}:{n}: \"{m.Value}\"");
                }
            }
        }

        Assert.True(hits.Count == 0, "process words in the project:\n" + string.Join('\n', hits));
    }

    [Theory]
    [InlineData("That is over issue 10's target of 15 %", true)]
    [InlineData("since session 7 it goes by each connection's due time", true)]
    [InlineData("## Session 7: the scan by due time", true)]
    [InlineData("The issue's rule was to use HdrHistogram", true)]
    [InlineData("see ticket #42", true)]
    [InlineData("the authorizer cuts every session 6 s after connect", false)]
    [InlineData("a session ticket, a late packet", false)]
    [InlineData("var (token, signature) = issuer.Issue(device.Iccid, now);", false)]
    public void ThePatternTellsProcessWordsFromProductWords(string line, bool flagged) =>
        Assert.Equal(flagged, ProcessWords().IsMatch(line));

    // "session 6 s" is a duration of an MQTT session; "session 7" with no unit is a sitting.
    [GeneratedRegex(@"\bissues?'?s?\s*#?\d+|\bthe issue'?s\b|\bsince session\b|\bsession\s+\d+\b(?!\s*(?:s|ms|min|minutes?|seconds?|h|hours?)\b)|\btickets?\s*#\d+|\bissue\s+""", RegexOptions.IgnoreCase)]
    private static partial Regex ProcessWords();

    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !(Directory.Exists(Path.Combine(dir.FullName, ".ci")) && File.Exists(Path.Combine(dir.FullName, "README.md"))))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("not inside the project's tree");
    }

    /// <summary>Git's tracked files, this test's own left out (it quotes what it looks for); the tree less its build outputs outside a checkout.</summary>
    private static IEnumerable<string> TrackedFiles(string root)
    {
        var self = Path.Combine("simulator", "Simulator.Tests", "Architecture", "ProjectWordsTests.cs");
        return Listed(root).Where(f => f != self);
    }

    private static IEnumerable<string> Listed(string root)
    {
        try
        {
            var psi = new System.Diagnostics.ProcessStartInfo("git", "ls-files -z") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var git = System.Diagnostics.Process.Start(psi)!;
            var text = git.StandardOutput.ReadToEnd();
            git.WaitForExit();
            if (git.ExitCode == 0 && text.Length > 0)
            {
                return text.Split('\0', StringSplitOptions.RemoveEmptyEntries);
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // no git here: walk the tree instead
        }

        string[] skipped = ["bin", "obj", "node_modules", ".git", "BenchmarkDotNet.Artifacts", "TestResults", "artifacts"];
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => skipped.Contains(part)))
            .Where(f => !f.StartsWith("results" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || f.StartsWith(Path.Combine("results", "baselines"), StringComparison.Ordinal));
    }
}
