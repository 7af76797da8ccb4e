namespace Simulator.Gateway.Config;

/// <summary>
/// The gateway's data directory holds its CA key and token-signing keys, so it is this user's
/// alone: created mode 0700, and an existing one that is a link, that another user owns (root
/// included), or that any other user may read, write or enter is refused (whoever made it first
/// could have planted keys there). A volume the platform creates open to all, as Kubernetes makes
/// an emptyDir (root's, mode 0777), is no data directory: name one inside it, which the gateway
/// creates 0700 as its own.
/// </summary>
public static class DataDirectory
{
    private const UnixFileMode OthersAny = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>A per-user default under the temporary folder, never one path shared by every user.</summary>
    public static string Default { get; } = Path.Combine(Path.GetTempPath(), "nrf-fleet-gateway-" + Environment.UserName);

    /// <summary>Creates the directory 0700, or checks an existing one; a refusal is an <see cref="IOException"/> that says why and what to do.</summary>
    public static void Prepare(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        var info = new DirectoryInfo(path);
        if (!info.Exists)
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return;
        }

        if (info.LinkTarget is not null)
        {
            throw new IOException($"the data directory {path} is a link; it holds the gateway's CA and signing keys: name a real directory of this user's with --data");
        }

        if (Simulator.Core.Processes.FileOwner.UserId(path) is { } owner && owner != Simulator.Core.Processes.FileOwner.EffectiveUserId)
        {
            throw new IOException($"the data directory {path} belongs to another user (uid {owner}, this process runs as uid {Simulator.Core.Processes.FileOwner.EffectiveUserId}); it holds the gateway's CA and signing keys: name a directory of this user's with --data, or one that does not exist yet inside it");
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & OthersAny) != 0)
        {
            throw new IOException($"the data directory {path} is open to other users (mode {Convert.ToString((int)mode, 8)}); it holds the gateway's CA and signing keys: chmod 700 it if it is yours, or name another with --data (a directory that does not exist yet inside a shared volume is created 0700)");
        }
    }
}
