using Simulator.Cli;

namespace Simulator.Tests.Cli;

/// <summary>The Prometheus endpoint's default address: loopback, unless the process runs in a Kubernetes pod.</summary>
public sealed class MetricsHostDefaultTests
{
    [Fact]
    public void LoopbackOutsideAPodEveryAddressInOne()
    {
        Assert.Equal("127.0.0.1", MetricsHostDefault.For(_ => null));
        Assert.Equal("127.0.0.1", MetricsHostDefault.For(_ => string.Empty));
        Assert.Equal("+", MetricsHostDefault.For(name => name == "KUBERNETES_SERVICE_HOST" ? "10.96.0.1" : null));
    }
}
