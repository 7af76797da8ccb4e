using System.Text;
using Simulator.Core.Mqtt;
using Simulator.Core.Scenarios;

namespace Simulator.Core.Load.Scenarios;

/// <summary>
/// Nordic's <c>aws_iot</c> library as its sample firmware configures it (sdk-nrf
/// <c>samples/nrf9160/aws_iot/prj.conf</c>, and the library's Kconfig for what that file leaves at
/// its default), written on the public scenario API as a user would write it:
/// <list type="bullet">
/// <item>at CONNACK, subscribe to the shadow's <c>get/accepted</c>, <c>get/rejected</c> and
/// <c>update/delta</c> (<c>CONFIG_AWS_IOT_TOPIC_GET_ACCEPTED_SUBSCRIBE</c>,
/// <c>…GET_REJECTED_SUBSCRIBE</c>, <c>…UPDATE_DELTA_SUBSCRIBE</c> = y), at QoS 1;</item>
/// <item>then request the shadow: an empty message on <c>$aws/things/{thing}/shadow/get</c>
/// (<c>CONFIG_AWS_IOT_AUTO_DEVICE_SHADOW_REQUEST</c>, default y), answered on accepted or rejected
/// (404 before the first update: no shadow yet, which the firmware takes as normal);</item>
/// <item>then report its state on <c>…/shadow/update</c> (the sample's first message carries its
/// application version) and again every publish interval (the sample's
/// <c>CONFIG_PUBLICATION_INTERVAL_SECONDS</c>, 60 by default; here the profile's
/// <c>device.publishIntervalSeconds</c>).</item>
/// </list>
/// The thing name is the MQTT client id (ICCID under 1NCE). Under a policy that grants only topics
/// under the ICCID, as 1NCE's does, AWS closes the connection at the shadow subscription (MQTT
/// 3.1.1), the device reconnects, and each loop costs the authorizer one more invocation. The
/// sample's two application topics and its Will are left out: they are the application's, not the
/// library's.
/// </summary>
internal static class AwsIotFirmware
{
    public const string Name = "aws-iot";

    /// <summary>How long the firmware waits for its shadow's answer before it counts the request failed.</summary>
    public static readonly TimeSpan ShadowAnswerTimeout = TimeSpan.FromSeconds(10);

    public static ScenarioDefinition Create(double publishIntervalSeconds) => Scenario.Create(Name, async ctx =>
    {
        var thing = ctx.Device.ClientId;
        var shadow = $"$aws/things/{thing}/shadow";
        await using var session = await ctx.ConnectAsync();

        await Step.Run("shadow-subscribe", ctx, async () =>
        {
            await session.SubscribeAsync($"{shadow}/get/accepted").ConfigureAwait(false);
            await session.SubscribeAsync($"{shadow}/get/rejected").ConfigureAwait(false);
            await session.SubscribeAsync($"{shadow}/update/delta").ConfigureAwait(false);
        });

        await Step.Run("shadow-get", ctx, () => session.RequestAsync($"{shadow}/get", ReadOnlyMemory<byte>.Empty, $"{shadow}/get/+", ShadowAnswerTimeout));

        var update = $"{shadow}/update";
        await Step.Run("shadow-update", ctx, () => session.PublishAsync(update, Report(ctx.Device.Index, withVersion: true)));
        var interval = TimeSpan.FromSeconds(publishIntervalSeconds);
        while (true)
        {
            await ctx.WaitAsync(interval);
            await Step.Run("shadow-update", ctx, () => session.PublishAsync(update, Report(ctx.Device.Index, withVersion: false)));
        }
    });

    /// <summary>The sample's message: battery voltage and a timestamp, and the application version in the first.</summary>
    private static byte[] Report(int index, bool withVersion)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var batv = 3600 + (index % 600);
        var reported = withVersion ? $"\"app_version\":\"v1.0.0\",\"batv\":{batv},\"ts\":{ts}" : $"\"batv\":{batv},\"ts\":{ts}";
        return Encoding.UTF8.GetBytes("{\"state\":{\"reported\":{" + reported + "}}}");
    }
}
