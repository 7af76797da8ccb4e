using System.Diagnostics;

namespace Simulator.Core.Results;

/// <summary>The commit a run was made from, as git names it in the working directory; "unknown" outside a checkout.</summary>
internal static class SourceRevision
{
    public static string Current()
    {
        try
        {
            var psi = new ProcessStartInfo("git", "rev-parse --short=12 HEAD") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi);
            if (p is null)
            {
                return "unknown";
            }

            var text = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit(2000);
            return p.ExitCode == 0 && text.Length > 0 ? text : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
