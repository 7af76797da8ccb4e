using Simulator.Cli;
using Simulator.Tests.Support;

namespace Simulator.Tests.Cli;

/// <summary>An installed tool finds its shipped profiles from any directory; a file where the user stands always wins.</summary>
public sealed class ShippedFilesTests
{
    [Fact]
    public void ARelativePathMissingHereIsTakenFromBesideTheExecutableAndOneHereWins()
    {
        using var here = new TempDir();
        using var shipped = new TempDir();
        Directory.CreateDirectory(shipped["profiles"]);
        File.WriteAllText(shipped["profiles/smoke.json"], "{}");

        Assert.Equal(Path.Combine(shipped.Path, "profiles/smoke.json"), ShippedFiles.Resolve("profiles/smoke.json", here.Path, shipped.Path, File.Exists));
        Assert.Equal(Path.Combine(shipped.Path, "profiles"), ShippedFiles.Resolve("profiles", here.Path, shipped.Path, Directory.Exists));

        Directory.CreateDirectory(here["profiles"]);
        File.WriteAllText(here["profiles/smoke.json"], "{}");
        Assert.Equal("profiles/smoke.json", ShippedFiles.Resolve("profiles/smoke.json", here.Path, shipped.Path, File.Exists));

        // Found nowhere: the path as given, so the error names what the user typed.
        Assert.Equal("profiles/nope.json", ShippedFiles.Resolve("profiles/nope.json", here.Path, shipped.Path, File.Exists));
        Assert.Equal("/abs/smoke.json", ShippedFiles.Resolve("/abs/smoke.json", here.Path, shipped.Path, File.Exists));
    }
}
