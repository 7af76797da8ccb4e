using k8s;
using k8s.Models;
using Simulator.Core.Load.Profiles;

namespace Simulator.Tests.Sharding;

/// <summary>
/// deploy/ cannot be applied here (no cluster, no registry), so every manifest is loaded with
/// KubernetesClient's YAML loader into its typed objects and the wiring is checked: the Job's
/// index reaches the shard, all pods share one start, nobody runs as root, every container has
/// requests and limits, and what one object names, another provides.
/// </summary>
public sealed class DeployManifestTests
{
    private static readonly string Deploy = Path.Combine(Root(), "deploy");

    private static string Root()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Simulator.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        }

        return dir;
    }

    private static List<object> All() => [.. Directory.GetFiles(Path.Combine(Deploy, "k8s"), "*.yaml").Order(StringComparer.Ordinal).SelectMany(f => KubernetesYaml.LoadAllFromString(File.ReadAllText(f)))];

    private static T One<T>(Func<T, bool>? where = null) => All().OfType<T>().Single(where ?? (_ => true));

    private static V1Job Shards() => One<V1Job>(j => j.Metadata.Name == "fleet-shards");

    [Fact]
    public void EveryManifestLoadsIntoTypedObjectsInOneNamespace()
    {
        var all = All();
        Assert.Contains(all, o => o is V1Job);
        Assert.Contains(all, o => o is V1Deployment);
        Assert.Contains(all, o => o is V1Service);
        Assert.DoesNotContain(all, o => o is not IKubernetesObject<V1ObjectMeta>);
        var ns = One<V1Namespace>().Metadata.Name;
        Assert.All(all.OfType<IKubernetesObject<V1ObjectMeta>>().Where(o => o is not V1Namespace), o => Assert.Equal(ns, o.Metadata.NamespaceProperty));
    }

    [Fact]
    public void TheIndexedJobGivesEachPodItsShardAndOneStart()
    {
        var job = Shards();
        Assert.Equal("Indexed", job.Spec.CompletionMode);
        Assert.NotNull(job.Spec.Completions);
        Assert.Equal(job.Spec.Completions, job.Spec.Parallelism);
        Assert.Equal(0, job.Spec.BackoffLimit); // a retried shard would start late and out of line
        var c = job.Spec.Template.Spec.Containers.Single();
        var args = c.Args;
        Assert.Equal("run", args[0]);
        Assert.Contains("fleet.shard=auto", args);
        Assert.Contains($"--shards={job.Spec.Completions}", args);
        Assert.Contains("--start-at=$(START_AT)", args);
        Assert.True(ProfileLoader.TryParseInstant(c.Env.Single(e => e.Name == "START_AT").Value, out _), "START_AT is an RFC 3339 instant");
        Assert.Contains(args, a => a.StartsWith("--results=/results/$(RUN_ID)", StringComparison.Ordinal));
        Assert.Equal("Never", job.Spec.Template.Spec.RestartPolicy);
    }

    [Fact]
    public void TheProfileInTheConfigMapIsOneTheSimulatorAcceptsAndShardsByItself()
    {
        var job = Shards();
        var c = job.Spec.Template.Spec.Containers.Single();
        var profileArg = c.Args.Single(a => a.StartsWith("--profile=", StringComparison.Ordinal))["--profile=".Length..];
        var mount = c.VolumeMounts.Single(m => profileArg.StartsWith(m.MountPath + "/", StringComparison.Ordinal));
        var volume = job.Spec.Template.Spec.Volumes.Single(v => v.Name == mount.Name);
        var map = One<V1ConfigMap>(m => m.Metadata.Name == volume.ConfigMap.Name);
        var text = map.Data[Path.GetFileName(profileArg)];
        var profile = ProfileLoader.Parse(System.Text.Encoding.UTF8.GetBytes(text), "profile-configmap.yaml");
        Assert.Null(profile.Fleet.Shard); // "auto": each pod's index settles it

        // Each pod's share of the fleet fits one process's 20,000 files.
        Assert.True(profile.Fleet.Count / job.Spec.Completions!.Value < 19_000);
    }

    [Fact]
    public void NothingRunsAsRootAndEveryContainerHasRequestsAndLimits()
    {
        var pods = All().Select(o => o switch
        {
            V1Job j => j.Spec.Template.Spec,
            V1Deployment d => d.Spec.Template.Spec,
            _ => null,
        }).Where(p => p is not null).ToList();
        Assert.Equal(3, pods.Count);
        foreach (var pod in pods)
        {
            Assert.True(pod!.SecurityContext.RunAsNonRoot);
            Assert.True(pod.SecurityContext.RunAsUser > 0);
            foreach (var c in pod.Containers)
            {
                Assert.False(c.SecurityContext.AllowPrivilegeEscalation);
                Assert.Contains("ALL", c.SecurityContext.Capabilities.Drop);
                foreach (var r in new[] { "cpu", "memory" })
                {
                    Assert.True(c.Resources.Requests.ContainsKey(r), $"{c.Name} requests {r}");
                    Assert.True(c.Resources.Limits.ContainsKey(r), $"{c.Name} limits {r}");
                }

                // Every mount has a volume, and every claim, map or secret it names exists (or is optional).
                foreach (var m in c.VolumeMounts ?? [])
                {
                    var v = pod.Volumes.Single(v => v.Name == m.Name);
                    if (v.PersistentVolumeClaim is { } claim)
                    {
                        Assert.Single(All().OfType<V1PersistentVolumeClaim>(), p => p.Metadata.Name == claim.ClaimName);
                    }
                }
            }
        }

        var dockerfile = File.ReadAllLines(Path.Combine(Deploy, "Dockerfile"));
        Assert.True(dockerfile.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)) >= 2, "multi-stage");
        var user = dockerfile.Last(l => l.StartsWith("USER ", StringComparison.Ordinal))["USER ".Length..].Split(':')[0];
        Assert.True(int.TryParse(user, out var uid) && uid > 0, $"the image's user is not root: {user}");
        Assert.Contains(dockerfile, l => l.StartsWith("ENTRYPOINT [\"/app/simulator\"]", StringComparison.Ordinal));
    }

    [Fact]
    public void TheMergeReadsWhereTheShardsWriteAndTheGatewayServiceReachesItsPods()
    {
        var shard = Shards().Spec.Template.Spec;
        var merge = One<V1Job>(j => j.Metadata.Name == "fleet-merge");
        var m = merge.Spec.Template.Spec;
        string Claim(V1PodSpec p) => p.Volumes.Single(v => v.PersistentVolumeClaim is not null).PersistentVolumeClaim.ClaimName;
        Assert.Equal(Claim(shard), Claim(m));
        Assert.Contains("simulator merge /results/\"$RUN_ID\"/", string.Join(' ', m.Containers.Single().Args), StringComparison.Ordinal);
        Assert.Equal(shard.Containers.Single().Env.Single(e => e.Name == "RUN_ID").Value, m.Containers.Single().Env.Single(e => e.Name == "RUN_ID").Value);

        var deployment = One<V1Deployment>();
        var service = One<V1Service>();
        Assert.All(service.Spec.Selector, kv => Assert.Equal(kv.Value, deployment.Spec.Template.Metadata.Labels[kv.Key]));
        var port = service.Spec.Ports.Single();
        var container = deployment.Spec.Template.Spec.Containers.Single();
        Assert.Contains(container.Ports, p => p.Name == port.TargetPort.Value && p.ContainerPort == port.Port);
        Assert.Contains(container.Args, a => a == $"--listen=0.0.0.0:{port.Port}");

        // The shards' profile points at this service.
        var profile = ProfileLoader.Parse(System.Text.Encoding.UTF8.GetBytes(One<V1ConfigMap>().Data["profile.json"]), "profile-configmap.yaml");
        Assert.Equal($"{service.Metadata.Name}.{service.Metadata.NamespaceProperty}.svc", profile.Target.Host);
        Assert.Equal(port.Port, profile.Target.Port);
    }
}
