using Simulator.Tests.Support;

namespace Simulator.Tests.Load;

/// <summary>report.md carries a profile's text as Markdown text: raw HTML in it is escaped, never passed to whoever renders the report.</summary>
public sealed class MarkdownReportTests
{
    [Fact]
    public async Task HtmlInAProfilesDescriptionIsEscapedInReportMd()
    {
        using var tmp = new TempDir();
        var profile = RunHarness.DeviceOnlyProfile("""[ { "kind": "ramp", "rate": 50 }, { "kind": "hold", "seconds": 0.2 } ]""", 2, extra: """, "description": "fleet <img src=x onerror=alert(1)> & <script>alert(2)</script> | pipe" """);
        var (_, output, _, dir) = await RunHarness.RunAsync(profile, tmp);
        var md = await File.ReadAllTextAsync(Path.Combine(dir, "report.md"));
        Assert.Contains("fleet &lt;img src=x onerror=alert(1)&gt; &amp; &lt;script&gt;", md, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", md, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", md, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(output));
    }
}
