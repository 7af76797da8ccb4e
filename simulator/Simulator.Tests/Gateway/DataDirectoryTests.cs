using Simulator.Gateway;
using Simulator.Gateway.Config;
using Simulator.Tests.Support;

namespace Simulator.Tests.Gateway;

/// <summary>The gateway's keys live in a directory of this user's alone.</summary>
public sealed class DataDirectoryTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    public async Task ANewDirectoryIs0700AndAnOpenOneOrALinkIsRefused()
    {
        using var tmp = new TempDir();
        await using (var gateway = await LocalGateway.StartAsync(new GatewayOptions { DataDirectory = tmp["fresh"] }))
        {
            Assert.Equal(Private, File.GetUnixFileMode(tmp["fresh"]));
        }

        // Made first by someone else, or left open: another user could have planted the CA or the signing keys.
        Directory.CreateDirectory(tmp["open"], Private | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(tmp["open"], Private | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var open = await Assert.ThrowsAsync<IOException>(() => LocalGateway.StartAsync(new GatewayOptions { DataDirectory = tmp["open"] }));
        Assert.Contains("open to other users (mode 755)", open.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(tmp["open"]));

        Directory.CreateSymbolicLink(tmp["link"], tmp["fresh"]);
        var link = await Assert.ThrowsAsync<IOException>(() => LocalGateway.StartAsync(new GatewayOptions { DataDirectory = tmp["link"] }));
        Assert.Contains("is a link", link.Message, StringComparison.Ordinal);

        // The standalone gateway says it in one line, exit 2, and never falls back to the shared default.
        var cli = await Cli.CliRunner.RunAsync("gateway", "--data", tmp["open"]);
        Assert.NotEqual(0, cli.Code);
        Assert.Contains("open to other users", cli.Out + cli.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", cli.Out + cli.Err, StringComparison.Ordinal);

        Assert.Contains(Environment.UserName, DataDirectory.Default, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADirectoryAnotherUserOwnsIsRefusedRootIncluded()
    {
        using var tmp = new TempDir();
        var theirs = tmp["theirs"];
        Directory.CreateDirectory(theirs, Private);
        var owner = Environment.UserName == "root" ? "1654" : "root"; // as root the test gives it away; as anyone else root's is someone else's
        if (owner == "root")
        {
            theirs = "/root";
        }
        else
        {
            await Proc.CheckAsync("chown", ["1654:1654", theirs]);
        }

        var e = await Assert.ThrowsAsync<IOException>(() => LocalGateway.StartAsync(new GatewayOptions { DataDirectory = theirs }));
        Assert.Contains("belongs to another user", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(theirs, "tls")), "nothing was written into another user's directory");
    }
}
