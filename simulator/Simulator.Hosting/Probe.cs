using System.Buffers.Text;
using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Simulator.Core.CustomAuth;
using Simulator.Core.Errors;
using Simulator.Core.Load;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Metrics;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;

namespace Simulator.Hosting;

/// <summary>
/// One device through the whole flow, step by step: the token (claims shown, signature elided),
/// each connect phase's timing, subscribe, publish, its own message back, and the exact reason
/// for any failure. The tool a user reaches for when one device will not connect.
/// </summary>
internal static class Probe
{
    public static async Task<int> ExecuteAsync(RunOptions profile, string profilePath, int deviceIndex, TextWriter w, CancellationToken stop)
    {
        var metrics = new RunMetrics();
        await using var env = await TargetEnvironment.CreateAsync(profile, profilePath, metrics, w, stop).ConfigureAwait(false);
        var device = env.Fleet[deviceIndex];
        var run = env.Services;
        await w.WriteLineAsync($"device {deviceIndex}: id {device.DeviceId}, IMEI {device.Imei}, ICCID {device.Iccid}").ConfigureAwait(false);
        await w.WriteLineAsync($"target {run.Endpoint.Host}:{run.Endpoint.Port}{(run.Endpoint.Address is { } a ? $" (at {a})" : string.Empty)}, transport {ProfileEnumConverter<DeviceTransportKind>.ToName(profile.Transport.Kind)} ({TlsLine.Describe(profile)}), tokens from {ProfileEnumConverter<TokenSourceKind>.ToName(profile.Token.Source)}").ConfigureAwait(false);

        CustomAuthCredentials creds;
        var t0 = Stopwatch.GetTimestamp();
        try
        {
            creds = await run.Tokens.GetAsync(device, metrics, stop).ConfigureAwait(false);
        }
        catch (AttemptFailedException e)
        {
            await w.WriteLineAsync($"token: FAILED {e.FailureClass}: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }

        await w.WriteLineAsync($"token: {Stopwatch.GetElapsedTime(t0).TotalMilliseconds:F1} ms, authorizer {creds.AuthorizerName ?? "(default)"}, key '{creds.TokenKeyName}', signature {(creds.Signature is null ? "none" : "present")}").ConfigureAwait(false);
        await w.WriteLineAsync($"  {Describe(creds.Token)}").ConfigureAwait(false);

        var clientId = run.Tokens.ClientIdOf(device);
        var topic = profile.Device.Topic.Replace("{id}", clientId, StringComparison.Ordinal);
        if (profile.Transport.Kind == DeviceTransportKind.HttpsPublish)
        {
            using var publisher = new HttpsPublisher(DeviceTransport.Https(run.Endpoint, profile.Transport, deviceIndex, DeviceTransport.LinkFor(profile.Device.Link, run.Scheduler, deviceIndex)));
            try
            {
                var r = await publisher.PublishAsync(topic, "{\"probe\":true}"u8.ToArray(), profile.Device.Qos, creds, profile.Transport.Credentials == CredentialsMode.Query ? CredentialPlacement.Query : CredentialPlacement.Headers, stop, clientId).ConfigureAwait(false);
                await w.WriteLineAsync($"https publish to {topic}: {r.StatusCode} {r.Body} in {r.ElapsedMs:F1} ms").ConfigureAwait(false);
                return r.IsSuccess ? ExitCodes.Ok : ExitCodes.Failed;
            }
            catch (ConnectionFailedException e)
            {
                await w.WriteLineAsync($"https publish: FAILED {e.Kind}: {e.Detail}").ConfigureAwait(false);
                return ExitCodes.Failed;
            }
        }

        var (transport, options) = DeviceTransport.Build(run.Endpoint, profile.Transport, profile.Device, deviceIndex, clientId, creds, link: DeviceTransport.LinkFor(profile.Device.Link, run.Scheduler, deviceIndex));
        MqttClientConnection connection;
        try
        {
            connection = await MqttClientConnection.ConnectAsync(transport, options, stop).ConfigureAwait(false);
        }
        catch (ConnectionFailedException e)
        {
            await w.WriteLineAsync($"connect: FAILED {e.FailureClass}: {e.Detail}{(e.HttpStatus is { } s ? $" (HTTP {s})" : string.Empty)}{(e.ConnAckCode is { } c ? $" (CONNACK {c})" : string.Empty)}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }

        await using (connection)
        {
            var t = connection.Timings;
            await w.WriteLineAsync($"connect: {t}").ConfigureAwait(false);
            var inbox = Channel.CreateUnbounded<string>();
            connection.MessageReceived = (in PublishPacket m) => inbox.Writer.TryWrite(Encoding.UTF8.GetString(m.Topic));
            try
            {
                var codes = await connection.SubscribeAsync([(topic, MqttQos.AtLeastOnce)]).ConfigureAwait(false);
                await w.WriteLineAsync($"subscribe {topic}: SUBACK {string.Join(',', codes)}").ConfigureAwait(false);
                var p0 = Stopwatch.GetTimestamp();
                var payload = profile.Device.Payload.ToFormat().For(device);
                var body = new byte[payload.MaxBytes];
                var length = payload.Write(body, 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                await connection.PublishAsync(Encoding.UTF8.GetBytes(topic), body.AsMemory(0, length), (MqttQos)profile.Device.Qos).ConfigureAwait(false);
                await w.WriteLineAsync($"publish {topic} QoS {profile.Device.Qos}: acknowledged in {Stopwatch.GetElapsedTime(p0).TotalMilliseconds:F1} ms").ConfigureAwait(false);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop);
                wait.CancelAfter(TimeSpan.FromSeconds(5));
                await inbox.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                await w.WriteLineAsync($"own message back after {Stopwatch.GetElapsedTime(p0).TotalMilliseconds:F1} ms").ConfigureAwait(false);
            }
            catch (ConnectionFailedException e)
            {
                await w.WriteLineAsync($"session: FAILED {e.Kind}: {e.Detail}").ConfigureAwait(false);
                return ExitCodes.Failed;
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                await w.WriteLineAsync("own message: not received within 5 s (the policy may not allow iot:Receive on it)").ConfigureAwait(false);
                return ExitCodes.Failed;
            }

            await connection.DisconnectAsync().ConfigureAwait(false);
            await w.WriteLineAsync("disconnected cleanly; the flow works for this device").ConfigureAwait(false);
            return ExitCodes.Ok;
        }
    }

    /// <summary>A JWT's header and claims, its signature elided.</summary>
    public static string Describe(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return $"token of {jwt.Length} characters (not a JWT)";
        }

        try
        {
            return $"header {Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[0]))} claims {Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1]))} signature <{parts[2].Length} chars elided>";
        }
        catch (FormatException)
        {
            return $"token of {jwt.Length} characters (undecodable)";
        }
    }
}
