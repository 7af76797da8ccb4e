using System.CommandLine;
using System.Net;
using System.Text;
using Simulator.Core.Errors;
using Simulator.Core.Mqtt;
using Simulator.Core.Mqtt.Client;
using Simulator.Core.Transport;
using Simulator.Hosting;

namespace Simulator.Cli;

/// <summary>
/// <c>simulator pub</c> and <c>simulator sub</c>: mosquitto_pub and mosquitto_sub's options where
/// they exist (-h -p -t -m -q -i -u -P -k -A -V -x --cafile --tls-alpn --insecure -d), plus --ws,
/// --header K=V for custom-auth headers and --timings for each connect phase.
/// </summary>
internal static class MqttClientCommands
{
    private sealed record Common(
        Option<string> Host, Option<int?> Port, Option<string?> ClientId, Option<string?> User, Option<string?> Password,
        Option<int> Qos, Option<ushort> KeepAlive, Option<string?> CaFile, Option<string?> Alpn, Option<bool> Insecure,
        Option<bool> Ws, Option<string> WsPath, Option<string> Subprotocol, Option<string[]> Headers, Option<bool> Timings,
        Option<bool> Debug, Option<string?> Bind, Option<double> Timeout, Option<string> Version, Option<uint?> SessionExpiry);

    public static Command Pub(TextWriter stdout, TextWriter stderr)
    {
        var c = CommonOptions();
        var topic = new Option<string>("-t", "--topic") { Description = "Topic to publish to.", Required = true };
        var message = new Option<string?>("-m", "--message") { Description = "Message payload." };
        var file = new Option<string?>("-f", "--file") { Description = "Send the contents of a file as the payload." };
        var retain = new Option<bool>("-r", "--retain") { Description = "Retain the message." };
        var command = new Command("pub", "Publish one message, as mosquitto_pub does.") { topic, message, file, retain };
        Add(command, c);
        command.SetAction(async (parse, ct) =>
        {
            // Refuse what MQTT cannot carry before connecting, and say where AWS would refuse it.
            var topicBytes = Encoding.UTF8.GetBytes(parse.GetValue(topic)!);
            try
            {
                MqttTopic.ValidateTopicName(topicBytes);
            }
            catch (MqttProtocolException e)
            {
                throw new InputException(e.Message, field: "-t");
            }

            await WarnAboutAwsLimitsAsync(parse.GetValue(topic)!, topicBytes.Length, stderr).ConfigureAwait(false);
            byte[] payload;
            if (parse.GetValue(file) is { } f)
            {
                try
                {
                    payload = await File.ReadAllBytesAsync(f, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new InputException($"cannot read the payload file: {e.Message}", f, field: "-f");
                }
            }
            else
            {
                payload = Encoding.UTF8.GetBytes(parse.GetValue(message) ?? string.Empty);
            }

            var qos = (MqttQos)parse.GetValue(c.Qos);
            var debug = parse.GetValue(c.Debug);
            var client = await ConnectAsync(parse, c, "simulator-pub", stdout, stderr, ct).ConfigureAwait(false);
            if (client is null)
            {
                return ExitCodes.Failed;
            }

            await using (client)
            {
                try
                {
                    await client.PublishAsync(topicBytes, payload, qos).ConfigureAwait(false);
                    if (debug)
                    {
                        await stdout.WriteLineAsync($"Client {client.ClientId} sending PUBLISH (q{(int)qos}, '{parse.GetValue(topic)}', ... ({payload.Length} bytes))").ConfigureAwait(false);
                    }

                    await client.DisconnectAsync().ConfigureAwait(false);
                    return ExitCodes.Ok;
                }
                catch (ConnectionFailedException e)
                {
                    await stderr.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                    return ExitCodes.Failed;
                }
            }
        });
        return command;
    }

    public static Command Sub(TextWriter stdout, TextWriter stderr)
    {
        var c = CommonOptions();
        var topics = new Option<string[]>("-t", "--topic") { Description = "Topic filter to subscribe to (repeatable).", Required = true, AllowMultipleArgumentsPerToken = false };
        var count = new Option<int>("-C", "--count") { Description = "Exit after this many messages (0 = never)." };
        var verbose = new Option<bool>("-v", "--verbose") { Description = "Print 'topic payload'." };
        var wait = new Option<double>("-W", "--wait") { Description = "Exit after this many seconds (0 = never)." };
        var command = new Command("sub", "Subscribe and print messages, as mosquitto_sub does.") { topics, count, verbose, wait };
        Add(command, c);
        command.SetAction(async (parse, ct) =>
        {
            foreach (var filter in parse.GetValue(topics)!)
            {
                try
                {
                    MqttTopic.ValidateTopicFilter(filter);
                }
                catch (MqttProtocolException e)
                {
                    throw new InputException($"'{filter}': {e.Message}", field: "-t");
                }
            }

            var client = await ConnectAsync(parse, c, "simulator-sub", stdout, stderr, ct).ConfigureAwait(false);
            if (client is null)
            {
                return ExitCodes.Failed;
            }

            await using (client)
            {
                var limit = parse.GetValue(count);
                var printTopic = parse.GetValue(verbose);
                var received = 0;
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var gate = new Lock();
                client.MessageReceived = (in PublishPacket m) =>
                {
                    var text = Encoding.UTF8.GetString(m.Payload);
                    var line = printTopic ? $"{Encoding.UTF8.GetString(m.Topic)} {text}" : text;
                    lock (gate)
                    {
                        stdout.WriteLine(line);
                        stdout.Flush();
                    }

                    if (limit > 0 && Interlocked.Increment(ref received) >= limit)
                    {
                        done.TrySetResult();
                    }
                };
                var qos = (MqttQos)parse.GetValue(c.Qos);
                try
                {
                    var codes = await client.SubscribeAsync([.. parse.GetValue(topics)!.Select(t => (t, qos))]).ConfigureAwait(false);
                    var refused = Array.Find(codes, SubAckPacket.IsFailure);
                    if (SubAckPacket.IsFailure(refused))
                    {
                        var why = client.ConnAck.Version == MqttVersion.V500 ? $" {MqttReasonCodes.Name((MqttReasonCode)refused)}" : string.Empty;
                        await stderr.WriteLineAsync($"error: the broker refused a subscription (SUBACK 0x{refused:X2}{why})").ConfigureAwait(false);
                        return ExitCodes.Failed;
                    }

                    if (parse.GetValue(c.Debug))
                    {
                        await stdout.WriteLineAsync($"Client {client.ClientId} received SUBACK").ConfigureAwait(false);
                    }
                }
                catch (ConnectionFailedException e)
                {
                    await stderr.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                    return ExitCodes.Failed;
                }

                var seconds = parse.GetValue(wait);
                var waits = new List<Task> { done.Task, client.Completion, Task.Delay(Timeout.Infinite, ct) };
                if (seconds > 0)
                {
                    waits.Add(Task.Delay(TimeSpan.FromSeconds(seconds), ct));
                }

                await Task.WhenAny(waits).ConfigureAwait(false);
                if (client.Completion.IsCompleted && await client.Completion.ConfigureAwait(false) is { } reason)
                {
                    await stderr.WriteLineAsync($"error: {reason.Message}").ConfigureAwait(false);
                    return ExitCodes.Failed;
                }

                await client.DisconnectAsync().ConfigureAwait(false);
                return done.Task.IsCompleted || limit == 0 ? ExitCodes.Ok : ExitCodes.Failed;
            }
        });
        return command;
    }

    private static Common CommonOptions() => new(
        new Option<string>("-h", "--host") { Description = "Broker host.", DefaultValueFactory = _ => "localhost" },
        new Option<int?>("-p", "--port") { Description = "Port (1883; 8883 with TLS; 80 or 443 with --ws)." },
        new Option<string?>("-i", "--id") { Description = "Client id." },
        new Option<string?>("-u", "--username") { Description = "Username; for AWS custom auth, the query-string credentials." },
        new Option<string?>("-P", "--pw") { Description = "Password." },
        new Option<int>("-q", "--qos") { Description = "QoS 0 or 1.", DefaultValueFactory = _ => 0 },
        new Option<ushort>("-k", "--keepalive") { Description = "Keep-alive seconds.", DefaultValueFactory = _ => 60 },
        new Option<string?>("--cafile") { Description = "Trust only these CA certificates (PEM); turns TLS on." },
        new Option<string?>("--tls-alpn") { Description = "ALPN protocol, e.g. mqtt for AWS custom auth on 443; turns TLS on." },
        new Option<bool>("--insecure") { Description = "Do not check the server certificate (explicit; never the default)." },
        new Option<bool>("--ws") { Description = "MQTT over WebSocket (wss with TLS)." },
        new Option<string>("--ws-path") { Description = "WebSocket path.", DefaultValueFactory = _ => "/mqtt" },
        new Option<string>("--subprotocol") { Description = "WebSocket subprotocol (mqtt; the AWS SDK v1 uses mqttv3.1).", DefaultValueFactory = _ => "mqtt" },
        new Option<string[]>("--header") { Description = "Extra WebSocket upgrade header K=V (repeatable), e.g. custom-auth values." },
        new Option<bool>("--timings") { Description = "Print each connect phase's duration." },
        new Option<bool>("-d", "--debug") { Description = "Print protocol events." },
        new Option<string?>("-A", "--bind-address") { Description = "Local source address." },
        new Option<double>("--connect-timeout") { Description = "Seconds to wait for CONNACK.", DefaultValueFactory = _ => 10 },
        new Option<string>("-V", "--protocol-version") { Description = "MQTT version: mqttv311 (or 311, the default) or mqttv5 (or 5), as mosquitto's clients name them.", DefaultValueFactory = _ => "mqttv311" },
        new Option<uint?>("-x", "--session-expiry-interval") { Description = "MQTT 5: seconds the broker keeps the session after the connection ends." });

    /// <summary>AWS IoT Core's own limits (A.5): 256 bytes and 7 slashes per topic; '$' topics are reserved.</summary>
    private static async Task WarnAboutAwsLimitsAsync(string topic, int bytes, TextWriter stderr)
    {
        if (bytes > 256)
        {
            await stderr.WriteLineAsync($"warning: the topic is {bytes} bytes; AWS IoT Core refuses topics over 256 bytes").ConfigureAwait(false);
        }

        if (topic.Count(ch => ch == '/') > 7)
        {
            await stderr.WriteLineAsync("warning: the topic has more than 7 slashes; AWS IoT Core refuses it").ConfigureAwait(false);
        }

        if (topic.StartsWith('$'))
        {
            await stderr.WriteLineAsync("warning: topics starting with '$' are reserved; AWS IoT Core accepts only its own ($aws/…) there").ConfigureAwait(false);
        }
    }

    private static void Add(Command command, Common c)
    {
        foreach (var o in new Option[] { c.Host, c.Port, c.ClientId, c.User, c.Password, c.Qos, c.KeepAlive, c.CaFile, c.Alpn, c.Insecure, c.Ws, c.WsPath, c.Subprotocol, c.Headers, c.Timings, c.Debug, c.Bind, c.Timeout, c.Version, c.SessionExpiry })
        {
            command.Options.Add(o);
        }

        command.Validators.Add(r =>
        {
            if (r.GetValue(c.Qos) is not (0 or 1))
            {
                r.AddError("-q must be 0 or 1 (AWS IoT Core supports QoS 0 and 1)");
            }

            if (VersionOf(r.GetValue(c.Version)) is null)
            {
                r.AddError($"-V must be mqttv311 (311) or mqttv5 (5), got '{r.GetValue(c.Version)}'; MQTT 3.1 (mqttv31) is not supported");
            }
            else if (r.GetValue(c.SessionExpiry) is not null && VersionOf(r.GetValue(c.Version)) != MqttVersion.V500)
            {
                r.AddError("-x needs MQTT 5 (-V mqttv5): 3.1.1 has no session expiry");
            }

            if (r.GetValue(c.Port) is { } port && port is < 1 or > 65535)
            {
                r.AddError($"-p must be 1 to 65535, got {port}");
            }

            if (r.GetResult(c.Timeout) is { Implicit: false } && r.GetValue(c.Timeout) is var timeout && (timeout <= 0 || timeout > 300 || double.IsNaN(timeout)))
            {
                r.AddError($"--connect-timeout must be above 0 and at most 300 seconds, got {timeout}");
            }
        });
    }

    private static MqttVersion? VersionOf(string? value) => (value ?? "mqttv311").ToLowerInvariant() switch
    {
        "mqttv311" or "311" or "4" => MqttVersion.V311,
        "mqttv5" or "5" => MqttVersion.V500,
        _ => null,
    };

    private static async Task<MqttClientConnection?> ConnectAsync(ParseResult parse, Common c, string prefix, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var tls = parse.GetValue(c.CaFile) is not null || parse.GetValue(c.Alpn) is not null || parse.GetValue(c.Insecure);
        var ws = parse.GetValue(c.Ws);
        var kind = (ws, tls) switch
        {
            (true, true) => TransportKind.SecureWebSocket,
            (true, false) => TransportKind.WebSocket,
            (false, true) => TransportKind.Tls,
            _ => TransportKind.Tcp,
        };
        var port = parse.GetValue(c.Port) ?? kind switch
        {
            TransportKind.Tcp => 1883,
            TransportKind.Tls => 8883,
            TransportKind.WebSocket => 80,
            _ => 443,
        };
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var h in parse.GetValue(c.Headers) ?? [])
        {
            var eq = h.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new InputException($"--header must be K=V, got '{h}'", field: "--header");
            }

            headers.Add(new(h[..eq], h[(eq + 1)..]));
        }

        IPAddress? bind = null;
        if (parse.GetValue(c.Bind) is { } b && !IPAddress.TryParse(b, out bind))
        {
            throw new InputException($"--bind-address '{b}' is not an IP address", field: "--bind-address");
        }

        var transport = new TransportOptions
        {
            Kind = kind,
            Host = parse.GetValue(c.Host)!,
            Port = port,
            CaFile = parse.GetValue(c.CaFile),
            InsecureSkipVerify = parse.GetValue(c.Insecure),
            Alpn = parse.GetValue(c.Alpn) is { } alpn ? [alpn] : null,
            WebSocketPath = parse.GetValue(c.WsPath)!,
            WebSocketSubprotocol = parse.GetValue(c.Subprotocol)!,
            Headers = headers,
            LocalAddress = bind,
        };
        var options = new MqttClientOptions
        {
            ClientId = parse.GetValue(c.ClientId) ?? $"{prefix}-{Environment.ProcessId}",
            Username = parse.GetValue(c.User),
            Password = parse.GetValue(c.Password) is { } pw ? Encoding.UTF8.GetBytes(pw) : null,
            KeepAliveSeconds = parse.GetValue(c.KeepAlive),
            ConnectTimeout = TimeSpan.FromSeconds(parse.GetValue(c.Timeout)),
            Version = VersionOf(parse.GetValue(c.Version)) ?? MqttVersion.V311,
            SessionExpirySeconds = parse.GetValue(c.SessionExpiry) ?? 0,
        };
        try
        {
            var client = await MqttClientConnection.ConnectAsync(transport, options, ct).ConfigureAwait(false);
            if (parse.GetValue(c.Debug))
            {
                var granted = client.ConnAck.Properties is { } p ? $" (topic aliases {p.TopicAliasMaximum ?? 0}, server keep-alive {(p.ServerKeepAlive is { } k ? $"{k} s" : "as asked")}, session expiry {(p.SessionExpiryInterval is { } e ? $"{e} s" : "as asked")})" : string.Empty;
                await stdout.WriteLineAsync($"Client {options.ClientId} sending CONNECT; received CONNACK (0){granted}").ConfigureAwait(false);
            }

            if (parse.GetValue(c.Timings))
            {
                await stderr.WriteLineAsync($"timings: {client.Timings}").ConfigureAwait(false);
            }

            return client;
        }
        catch (ConnectionFailedException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return null;
        }
    }
}
