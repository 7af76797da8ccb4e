namespace Simulator.Cli;

/// <summary>
/// Where the Prometheus endpoint listens unless told: loopback on a workstation or a shared host
/// (its counters name the run's target and failure classes), every address in a Kubernetes pod,
/// where the scraper is another pod and the pod's network is the boundary.
/// </summary>
internal static class MetricsHostDefault
{
    public static string For(Func<string, string?> environment) =>
        string.IsNullOrEmpty(environment("KUBERNETES_SERVICE_HOST")) ? "127.0.0.1" : "+";
}
