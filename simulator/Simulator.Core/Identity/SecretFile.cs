using System.Text;

namespace Simulator.Core.Identity;

/// <summary>Writes secrets with mode 0600 from the first byte: the file is never readable by others, not even briefly.</summary>
internal static class SecretFile
{
    public static void Write(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(Encoding.UTF8.GetBytes(text));
    }
}
