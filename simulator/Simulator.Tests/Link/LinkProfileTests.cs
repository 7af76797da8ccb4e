using System.Text;
using Simulator.Core.Errors;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Transport.Link;

namespace Simulator.Tests.Link;

/// <summary><c>device.link</c> in a profile: a preset's name, a preset with overrides, and what is refused, with its path and line.</summary>
public sealed class LinkProfileTests
{
    private static RunOptions Parse(string device) =>
        ProfileLoader.Parse(Encoding.UTF8.GetBytes("{\"device\":" + device + ",\n\"phases\":[{ \"kind\": \"hold\", \"seconds\": 1 }]}"), "p.json");

    [Fact]
    public void NoLinkIsLoopbackSpeed()
    {
        Assert.Null(Parse("{}").Device.Link.Resolve());
        Assert.Null(Parse("{\"link\": \"none\"}").Device.Link.Resolve());
    }

    [Fact]
    public void APresetByNameIsThePreset()
    {
        Assert.Equal(LinkProfile.LteM, Parse("{\"link\": \"lte-m\"}").Device.Link.Resolve());
        Assert.Equal(LinkProfile.NbIot, Parse("{\"link\": \"nb-iot\"}").Device.Link.Resolve());
    }

    [Fact]
    public void OverridesChangeOnlyWhatTheyName()
    {
        var link = Parse("{\"link\": {\"preset\": \"nb-iot\", \"rttP50Ms\": 1200, \"downlinkKbps\": 0, \"lossRate\": 0.02}}").Device.Link.Resolve()!;
        Assert.Equal(LinkProfile.NbIot with { RttP50Ms = 1200, RttP99Ms = 1200 * 5000 / 840.0, DownlinkKbps = null, LossRate = 0.02 }, link);

        // A median moved without its tail keeps the preset's tail in proportion.
        Assert.Equal(LinkProfile.LteM with { RttP50Ms = 500, RttP99Ms = 1500 }, Parse("{\"link\": {\"preset\": \"lte-m\", \"rttP50Ms\": 500}}").Device.Link.Resolve());

        // Without a preset the object stands alone: what it leaves out is unlimited or zero.
        Assert.Equal(new LinkProfile(200, 200, 64, null), Parse("{\"link\": {\"rttP50Ms\": 200, \"uplinkKbps\": 64}}").Device.Link.Resolve());
    }

    [Theory]
    [InlineData("{\n\"link\": \"5g\"}", "$.device.link", 2)]
    [InlineData("{\n\"link\": {\"preset\": \"lte-m\", \"jitterMs\": 3}}", "$.device.link", 2)]
    [InlineData("{\n\"link\": {\"rttP50Ms\": \"fast\"}}", "$.device.link", 2)]
    [InlineData("{\n\"link\": {\"rttP50Ms\": 300, \"rttP99Ms\": 100}}", "$.device.link.rttP99Ms", 2)]
    [InlineData("{\n\"link\": {\"uplinkKbps\": -1}}", "$.device.link.uplinkKbps", 2)]
    [InlineData("{\n\"link\": {\"lossRate\": 0.9}}", "$.device.link.lossRate", 2)]
    [InlineData("{\n\"link\": {\"rttP50Ms\": 90000}}", "$.device.link.rttP50Ms", 2)]
    public void AnImpossibleLinkNamesItsPathAndLine(string device, string path, int line)
    {
        var e = Assert.Throws<InputException>(() => Parse(device));
        Assert.Equal(path, e.Field);
        Assert.Equal(line, e.Line);
        Assert.Equal("p.json", e.File);
    }
}
