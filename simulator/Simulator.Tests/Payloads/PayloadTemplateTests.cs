using System.Globalization;
using System.Text;
using System.Text.Json;
using Simulator.Core.Identity;
using Simulator.Core.Payloads;

namespace Simulator.Tests.Payloads;

/// <summary>Templates compile once, and each message writes the device's identity and its own fields.</summary>
public sealed class PayloadTemplateTests
{
    private static readonly DeviceIdentity Device = new(3, "nrf-352656100000003", "352656100000003", "8988228066600000003", "", null);

    private static string Render(DevicePayload payload, long seq, long unixMs)
    {
        var buffer = new byte[payload.MaxBytes];
        return Encoding.UTF8.GetString(buffer, 0, payload.Write(buffer, seq, unixMs));
    }

    private static PayloadTemplate Compile(string text)
    {
        Assert.True(PayloadTemplate.TryParse(text, out var template, out var error), error);
        return template!;
    }

    [Fact]
    public void EachFieldIsWrittenFromTheDeviceAndTheMessage()
    {
        var template = Compile("""{"id":"{{deviceId}}","iccid":"{{iccid}}","imei":"{{imei}}","n":{{index}},"seq":{{seq}},"ms":{{timeMs}},"ts":"{{time}}","die":{{random:1:6}},"t":{{random:18.0:26.5}},"lat":{{lat}},"lon":{{lon}}}""");
        var payload = PayloadFormat.FromTemplate(template, 0, 0).For(Device);
        var at = new DateTimeOffset(2026, 12, 7, 18, 46, 16, 123, TimeSpan.Zero).ToUnixTimeMilliseconds();

        using var doc = JsonDocument.Parse(Render(payload, 42, at));
        var m = doc.RootElement;
        Assert.Equal(Device.DeviceId, m.GetProperty("id").GetString());
        Assert.Equal(Device.Iccid, m.GetProperty("iccid").GetString());
        Assert.Equal(Device.Imei, m.GetProperty("imei").GetString());
        Assert.Equal(3, m.GetProperty("n").GetInt32());
        Assert.Equal(42, m.GetProperty("seq").GetInt64());
        Assert.Equal(at, m.GetProperty("ms").GetInt64());
        Assert.Equal("2026-12-07T18:46:16.123Z", m.GetProperty("ts").GetString());
        Assert.InRange(m.GetProperty("die").GetInt32(), 1, 6);
        Assert.DoesNotContain('.', m.GetProperty("die").GetRawText());
        Assert.InRange(m.GetProperty("t").GetDouble(), 18.0, 26.5);
        Assert.Matches(@"^\d+\.\d$", m.GetProperty("t").GetRawText());
        Assert.InRange(m.GetProperty("lat").GetDouble(), 63.39, 63.51);
        Assert.InRange(m.GetProperty("lon").GetDouble(), 10.34, 10.46);
    }

    [Fact]
    public void RandomFieldsCoverTheirWholeRangeAndTheFixWanders()
    {
        var payload = PayloadFormat.FromTemplate(Compile("{{random:1:6}} {{random:-0.25:0.25}} {{lat}} {{lon}}"), 0, 0).For(Device);
        var dice = new HashSet<int>();
        var low = double.MaxValue;
        var high = double.MinValue;
        var fixes = new HashSet<string>();
        for (var i = 1; i <= 600; i++)
        {
            var parts = Render(payload, i, 0).Split(' ');
            dice.Add(int.Parse(parts[0], CultureInfo.InvariantCulture));
            var x = double.Parse(parts[1], CultureInfo.InvariantCulture);
            low = Math.Min(low, x);
            high = Math.Max(high, x);
            fixes.Add(parts[2] + parts[3]);
        }

        Assert.Equal([1, 2, 3, 4, 5, 6], dice.Order());
        Assert.InRange(low, -0.25, -0.2);
        Assert.InRange(high, 0.2, 0.25);
        Assert.True(fixes.Count > 500, $"{fixes.Count} distinct fixes in 600 messages");
    }

    [Theory]
    [InlineData(200, 200)]
    [InlineData(150, 900)]
    public void APadFillsEachMessageToItsDrawnSizeAndKeepsTheTextAfterIt(int min, int max)
    {
        var payload = PayloadFormat.FromTemplate(Compile("""{"seq":{{seq}},"fill":"{{pad}}","end":true}"""), min, max).For(Device);
        var sizes = new HashSet<int>();
        for (var i = 1; i <= 400; i++)
        {
            var text = Render(payload, i, 0);
            Assert.InRange(Encoding.UTF8.GetByteCount(text), min, max);
            sizes.Add(text.Length);
            using var doc = JsonDocument.Parse(text);
            Assert.Equal(i, doc.RootElement.GetProperty("seq").GetInt64());
            Assert.True(doc.RootElement.GetProperty("end").GetBoolean());
            Assert.Matches("^x+$", doc.RootElement.GetProperty("fill").GetString());
        }

        Assert.True(min == max ? sizes.Count == 1 : sizes.Count > 100, $"{sizes.Count} sizes");
    }

    [Fact]
    public void RandomBinaryHasItsDrawnSizeAndDiffersMessageToMessage()
    {
        var payload = PayloadFormat.RandomBytes(16, 64).For(Device);
        var buffer = new byte[payload.MaxBytes];
        var seen = new HashSet<string>();
        for (var i = 1; i <= 200; i++)
        {
            var n = payload.Write(buffer, i, 0);
            Assert.InRange(n, 16, 64);
            seen.Add(Convert.ToHexString(buffer, 0, n));
        }

        Assert.Equal(200, seen.Count);
    }

    [Fact]
    public void TheSameDeviceWritesTheSameMessagesInEveryRun()
    {
        var template = Compile("{{random:0:1000000}},{{lat}}");
        var a = PayloadFormat.FromTemplate(template, 0, 0).For(Device);
        var b = PayloadFormat.FromTemplate(template, 0, 0).For(Device);
        var other = PayloadFormat.FromTemplate(template, 0, 0).For(Device with { Index = 4 });
        Assert.Equal(Render(a, 1, 0), Render(b, 1, 0));
        Assert.NotEqual(Render(a, 2, 0), Render(other, 2, 0));
    }

    [Theory]
    [InlineData("{\"a\":{{seq}", "no closing }}")]
    [InlineData("{{sequence}}", "not a field; the fields are deviceId, iccid")]
    [InlineData("{{random:5}}", "a random field is random:MIN:MAX")]
    [InlineData("{{random:a:b}}", "a random field is random:MIN:MAX")]
    [InlineData("{{random:1e3:2e3}}", "a random field is random:MIN:MAX")]
    [InlineData("{{random:1.:2}}", "a random field is random:MIN:MAX")]
    [InlineData("{{random:0:1.1234567}}", "at most 6 decimals")]
    [InlineData("{{random:0:10000000000000000}}", "a random field is random:MIN:MAX")]
    [InlineData("{{random:9:2}}", "MIN (9) is above MAX (2)")]
    [InlineData("{{pad}}{{pad}}", "at most one pad")]
    [InlineData("", "the template is empty")]
    public void AnImpossibleTemplateIsRefusedWithWhereAndWhy(string text, string reason)
    {
        Assert.False(PayloadTemplate.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        if (text.Contains("{{", StringComparison.Ordinal))
        {
            Assert.Contains("at character", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ATemplateWithNoFieldIsItsOwnText()
    {
        var payload = PayloadFormat.FromTemplate(Compile("hello {single} braces"), 0, 0).For(Device);
        Assert.Equal("hello {single} braces", Render(payload, 1, 0));
    }
}
