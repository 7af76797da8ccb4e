using System.Diagnostics;
using Simulator.Core.Errors;
using Simulator.Core.Identity;
using Simulator.Core.Load;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;

namespace Simulator.Hosting;

/// <summary>
/// Before the plan: a few devices from the end of the fleet (the last a ramp reaches, so the
/// target's one-connect-per-second-per-client-id quota is long past when they connect for real)
/// fetch a token, connect and disconnect, one after another. Their figures go to a recorder of their own;
/// what refused them is returned, so a target that refuses everything stops the run early.
/// </summary>
internal static class WarmUp
{
    public static async Task<WarmUpResult> RunAsync(RunServices run, IReadOnlyList<DeviceIdentity> devices, TextWriter output, CancellationToken stop)
    {
        var count = Math.Min(run.Options.WarmUp.Devices, devices.Count / 4);
        if (count == 0 || run.Options.Device.Scenario != ScenarioKind.Telemetry || run.Options.Transport.Kind == DeviceTransportKind.HttpsPublish)
        {
            return WarmUpResult.None;
        }

        // The warm-up's own recorder, dropped with it: nothing it measures reaches the run's.
        var scratch = new Core.Metrics.RunMetrics();
        var started = Stopwatch.GetTimestamp();
        var ok = 0;
        var tried = 0;
        var failures = new Dictionary<string, int>(StringComparer.Ordinal);
        string? example = null;
        void Refused(string failureClass, string message)
        {
            failures[failureClass] = failures.GetValueOrDefault(failureClass) + 1;
            example ??= Core.Errors.Secrets.Scrub(message);
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stop);
        limit.CancelAfter(TimeSpan.FromSeconds(10)); // a target in trouble is the run's to measure, not the warm-up's
        for (var i = devices.Count - count; i < devices.Count && !limit.IsCancellationRequested; i++)
        {
            var device = devices[i];
            tried++;
            try
            {
                var clientId = run.Tokens.ClientIdOf(device);
                var creds = run.Options.Transport.Kind == DeviceTransportKind.MqttTcp ? null : await run.Tokens.GetAsync(device, scratch, limit.Token).ConfigureAwait(false);
                var (transport, options) = DeviceTransport.Build(run.Endpoint, run.Options.Transport, run.Options.Device, device.Index, clientId, creds, link: DeviceTransport.LinkFor(run.Options.Device.Link, run.Scheduler, device.Index));
                await using var connection = await MqttClientConnection.ConnectAsync(transport, options, limit.Token).ConfigureAwait(false);
                await connection.DisconnectAsync().ConfigureAwait(false);
                ok++;
            }
            catch (AttemptFailedException e)
            {
                Refused(e.FailureClass, e.Message);
            }
            catch (ConnectionFailedException e) when (!stop.IsCancellationRequested)
            {
                Refused(e.FailureClass, e.Message);
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                // Out of the warm-up's time: a slow target is the run's to measure, not a refusal.
            }
            finally
            {
                run.Tokens.Forget(device);
            }
        }

        // AWS allows one connect per second per client id: a small fleet's ramp may reach these devices at once.
        await Task.Delay(TimeSpan.FromSeconds(1.1), stop).ConfigureAwait(false);
        var result = new WarmUpResult(count, tried, ok, failures, example);
        await output.WriteLineAsync($"warm-up: {ok} of {count} devices connected in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s (left out of the results){(failures.Count > 0 ? "; refused: " + result.Describe() : string.Empty)}").ConfigureAwait(false);
        return result;
    }
}
