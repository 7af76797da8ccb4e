namespace Simulator.Cli;

/// <summary>
/// The profiles that ship beside the executable (an installed .NET tool carries them): a relative
/// path that is not found from the working directory is looked up there, so <c>run</c> with its
/// default profile works from any directory. A file in the working directory always wins.
/// </summary>
internal static class ShippedFiles
{
    public static string Resolve(string path) => Resolve(path, Environment.CurrentDirectory, AppContext.BaseDirectory, File.Exists);

    public static string ResolveFolder(string path) => Resolve(path, Environment.CurrentDirectory, AppContext.BaseDirectory, Directory.Exists);

    internal static string Resolve(string path, string workingDirectory, string shippedDirectory, Func<string, bool> exists)
    {
        if (Path.IsPathRooted(path) || exists(Path.Combine(workingDirectory, path)))
        {
            return path;
        }

        var shipped = Path.Combine(shippedDirectory, path);
        return exists(shipped) ? shipped : path;
    }
}
