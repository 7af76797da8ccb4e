using System.Diagnostics;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Mqtt;
using Simulator.Core.Scenarios;

namespace Simulator.Core.Load.Scenarios;

/// <summary>
/// The nRF9160's MQTT telemetry as the profile's <c>device</c> section describes it, written on the
/// public scenario API as a user would write their firmware (<see cref="Scenario.Create"/>): the
/// engine lends only what the API gives every scenario (connect, subscribe, publish the payload
/// model's next message, wait, sleep). Connect (the token, transport, TLS and link the profile
/// names), subscribe to the device's own topic and its command topic (not again on a resumed
/// persistent session), then publish on the profile's schedule until the session's length, the
/// run's stop or a loss. On a duty cycle (<see cref="DutyCycleSettings"/>) a PSM device connects at
/// each wake, publishes its messages, may wait for its downlink within the active time,
/// disconnects and sleeps; an eDRX device stays connected and publishes its messages once per wake
/// interval, its downlink held by the link to its paging windows.
/// </summary>
internal static class TelemetryFirmware
{
    /// <param name="https">Publish over HTTPS (AWS IoT's <c>POST /topics</c>): no session, each message a request.</param>
    public static ScenarioDefinition Create(DeviceSettings device, CommandSettings? commands, bool https = false)
    {
        var qos = (MqttQos)device.Qos;
        if (https)
        {
            return Scenario.Create("https-publish", async ctx =>
            {
                // The first message goes at once: its success is the device's "connect". A visit sends it and leaves.
                using var client = await ctx.OpenHttpsAsync().ConfigureAwait(false);
                await client.PublishNextMessageAsync(ctx.Device.Topic, qos).ConfigureAwait(false);
                if (ctx.IsVisit)
                {
                    return;
                }

                for (var first = true; ; first = false)
                {
                    await ctx.WaitAsync(TimeSpan.FromSeconds(PublishSchedule.NextSeconds(device, first))).ConfigureAwait(false);
                    await client.PublishNextMessageAsync(ctx.Device.Topic, qos).ConfigureAwait(false);
                }
            });
        }

        var commandQos = (MqttQos)(commands?.Qos ?? 1);
        var persistent = device.MqttVersion == MqttVersion.V500 ? !device.Mqtt5.CleanStart : !device.CleanSession;

        // A resumed persistent session still has its subscriptions: the device does not send them again.
        async Task SubscribeAsync(DeviceContext ctx, DeviceSession session)
        {
            if (persistent && session.SessionPresent)
            {
                return;
            }

            if (device.Subscribe)
            {
                await session.SubscribeAsync(ctx.Device.Topic, qos).ConfigureAwait(false);
            }

            if (ctx.Device.CommandTopic is { } commandTopic)
            {
                await session.SubscribeAsync(commandTopic, commandQos).ConfigureAwait(false);
            }
        }

        if (device.Scenario == ScenarioKind.DutyCycle && device.DutyCycle is { Mode: DutyCycleMode.Psm } psm)
        {
            return Scenario.Create("duty-cycle", async ctx =>
            {
                // A PSM wake: the messages back to back, the downlink if the device waits for it, then DISCONNECT and sleep.
                await using var session = await ctx.ConnectAsync().ConfigureAwait(false);
                await SubscribeAsync(ctx, session).ConfigureAwait(false);
                for (var m = psm.MessagesPerWake; m > 0; m--)
                {
                    ctx.Stopping.ThrowIfCancellationRequested();
                    await session.PublishNextMessageAsync(ctx.Device.Topic, qos).ConfigureAwait(false);
                }

                if (psm.AwaitDownlink && device.Subscribe)
                {
                    await session.WaitForDownlinkAsync(TimeSpan.FromSeconds(psm.ActiveTimeSeconds)).ConfigureAwait(false);
                }

                await session.DisconnectAsync().ConfigureAwait(false);
                ctx.Sleep(TimeSpan.FromSeconds(psm.WakeIntervalSeconds * (1 + (psm.WakeJitter * ((Random.Shared.NextDouble() * 2) - 1)))));
            }).WithStartSpread(TimeSpan.FromSeconds(psm.WakeIntervalSeconds)); // firmware timers spread a fleet's first wakes over one interval
        }

        var edrx = device.Scenario == ScenarioKind.DutyCycle ? device.DutyCycle : null;
        return Scenario.Create(edrx is null ? "telemetry" : "duty-cycle", async ctx =>
        {
            await using var session = await ctx.ConnectAsync().ConfigureAwait(false);
            var connectedAt = Stopwatch.GetTimestamp();
            await SubscribeAsync(ctx, session).ConfigureAwait(false);

            // A visit with no session length leaves right after CONNACK and its subscription.
            var sessionEnd = device.SessionSeconds > 0 ? connectedAt + (long)(device.SessionSeconds * Stopwatch.Frequency) : ctx.IsVisit ? connectedAt : long.MaxValue;
            var messages = edrx?.MessagesPerWake ?? 1;
            for (var first = true; ; first = false)
            {
                var interval = edrx is null
                    ? PublishSchedule.NextSeconds(device, first)
                    : edrx.WakeIntervalSeconds * (first ? Random.Shared.NextDouble() : 1 + (edrx.WakeJitter * ((Random.Shared.NextDouble() * 2) - 1)));
                if (sessionEnd != long.MaxValue)
                {
                    interval = Math.Max(0, Math.Min(interval, (sessionEnd - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency));
                }

                await ctx.WaitAsync(TimeSpan.FromSeconds(interval)).ConfigureAwait(false);
                if (Stopwatch.GetTimestamp() >= sessionEnd)
                {
                    await session.DisconnectAsync().ConfigureAwait(false);
                    return;
                }

                for (var m = messages; m > 0; m--)
                {
                    await session.PublishNextMessageAsync(ctx.Device.Topic, qos).ConfigureAwait(false);
                }
            }
        });
    }
}
