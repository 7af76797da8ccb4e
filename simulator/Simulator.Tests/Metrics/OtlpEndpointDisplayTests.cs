using Simulator.Hosting;

namespace Simulator.Tests.Metrics;

/// <summary>An OTLP endpoint with credentials in its URL is shown without them.</summary>
public sealed class OtlpEndpointDisplayTests
{
    [Fact]
    public void TheConsoleLineLeavesOutTheUserInfoAndTheQuery()
    {
        var output = new StringWriter();
        using (LiveMetrics.Start(null, "http://fleet:s3cretPass@127.0.0.1:4318/v1/metrics?api_key=abc123key", "0", TimeSpan.FromMinutes(10), output))
        {
        }

        var line = output.ToString();
        Assert.Contains("127.0.0.1:4318/v1/metrics", line, StringComparison.Ordinal);
        Assert.Contains("credentials not shown", line, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cretPass", line, StringComparison.Ordinal);
        Assert.DoesNotContain("abc123key", line, StringComparison.Ordinal);
        Assert.DoesNotContain("fleet:", line, StringComparison.Ordinal);

        var e = Assert.Throws<Simulator.Core.Errors.InputException>(() => LiveMetrics.Start(null, "ftp://fleet:s3cretPass@collector", "0", TimeSpan.FromMinutes(10), new StringWriter()));
        Assert.DoesNotContain("s3cretPass", e.Message, StringComparison.Ordinal);
    }
}
