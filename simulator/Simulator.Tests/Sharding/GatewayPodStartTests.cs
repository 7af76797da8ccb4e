using System.Diagnostics;
using System.Globalization;
using k8s;
using k8s.Models;
using Simulator.Tests.Support;

namespace Simulator.Tests.Sharding;

/// <summary>
/// The shipped gateway Deployment as Kubernetes would start it, without a cluster: its emptyDir is
/// made as the kubelet makes one (root's, mode 0777), and the gateway runs as the pod's user with
/// the manifest's own <c>--data</c>, mapped into that directory.
/// </summary>
public sealed class GatewayPodStartTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OpenToAll = (UnixFileMode)0b111_111_111;

    private static V1Deployment Gateway() =>
        KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(Peers.RepoRoot, "deploy", "k8s", "gateway.yaml"))).OfType<V1Deployment>().Single();

    [Fact]
    public async Task TheShippedGatewayStartsOnAnEmptyDirAsTheKubeletMakesIt()
    {
        var pod = Gateway().Spec.Template.Spec;
        var container = pod.Containers.Single();
        var uid = pod.SecurityContext.RunAsUser!.Value;
        var gid = pod.SecurityContext.RunAsGroup!.Value;
        var data = container.Args.Single(a => a.StartsWith("--data=", StringComparison.Ordinal))["--data=".Length..];
        var mount = container.VolumeMounts.Single(m => data == m.MountPath || data.StartsWith(m.MountPath + "/", StringComparison.Ordinal));
        Assert.NotNull(pod.Volumes.Single(v => v.Name == mount.Name).EmptyDir);

        using var tmp = new TempDir();
        File.SetUnixFileMode(tmp.Path, Private | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute); // the pod's user must reach the mount
        var emptyDir = tmp["volume"];
        Directory.CreateDirectory(emptyDir);
        File.SetUnixFileMode(emptyDir, OpenToAll); // the kubelet's emptyDir: root-owned, 0777
        var home = tmp["home"];
        Directory.CreateDirectory(home);
        await Proc.CheckAsync("chown", [$"{uid}:{gid}", home]);
        var dataDir = emptyDir + data[mount.MountPath.Length..];

        var psi = new ProcessStartInfo("setpriv", [$"--reuid={uid}", $"--regid={gid}", "--clear-groups", "dotnet", SimulatorProcess.Dll, "gateway", "--listen=127.0.0.1:0", $"--data={dataDir}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["HOME"] = home;
        psi.Environment["DOTNET_CLI_HOME"] = home;
        psi.Environment["TMPDIR"] = home;
        using var gateway = Process.Start(psi)!;
        var stderr = gateway.StandardError.ReadToEndAsync();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string? line;
            var seen = new List<string>();
            while ((line = await gateway.StandardOutput.ReadLineAsync(cts.Token)) is not null && !line.StartsWith("gateway listening on", StringComparison.Ordinal))
            {
                seen.Add(line);
            }

            Assert.True(line is not null, $"the gateway did not start as uid {uid} on a 0777 emptyDir: {string.Join('\n', seen)} {(gateway.HasExited ? await stderr : string.Empty)}");
            Assert.Equal(Private, File.GetUnixFileMode(dataDir));
            Assert.Equal(uid.ToString(CultureInfo.InvariantCulture), (await Proc.CheckAsync("stat", ["-c", "%u", dataDir])).Trim());
        }
        finally
        {
            gateway.Kill(entireProcessTree: true);
            await gateway.WaitForExitAsync();
        }
    }
}
