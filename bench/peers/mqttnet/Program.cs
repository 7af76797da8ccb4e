using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;

// MQTTnet 5.2 as a connect-cost peer, the same schedule as bench/peers/mqttjs/connect.js: N clients
// over WSS with AWS custom-auth headers (device JWTs), started at RATE per second on a fixed
// schedule, held HOLD seconds, no publishes. Latency counts from each client's planned start.
// The gateway's CA is trusted through a certificate validation handler: MQTTnet's TrustChain option
// is not applied to its WebSocket channel (the handshake fails with PartialChain), so a user of it
// with a private CA over WSS has to build the chain in the handler, as here: custom root trust,
// name and dates still checked by SslStream.
// Prints one JSON line. Usage: mqttnet-peer TOKENS_FILE PORT CAFILE RATE HOLD_SECONDS
if (args.Length != 5)
{
    Console.Error.WriteLine("usage: mqttnet-peer TOKENS_FILE PORT CAFILE RATE HOLD_SECONDS");
    return 2;
}

var devices = File.ReadAllLines(args[0]).Where(l => l.Length > 0).Select(l => l.Split(' ')).ToArray();
var port = int.Parse(args[1], CultureInfo.InvariantCulture);
var trust = new X509Certificate2Collection();
trust.ImportFromPemFile(args[2]);
var rate = double.Parse(args[3], CultureInfo.InvariantCulture);
var hold = double.Parse(args[4], CultureInfo.InvariantCulture);

var factory = new MqttClientFactory();
var clients = new IMqttClient[devices.Length];
var latencies = new double[devices.Length];
var connected = 0;
var failed = 0;
var clock = Stopwatch.StartNew();
var t0 = 50.0;

async Task StartAsync(int i)
{
    var due = t0 + (i * 1000 / rate);
    var wait = due - clock.Elapsed.TotalMilliseconds;
    if (wait > 0)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(wait)).ConfigureAwait(false);
    }

    var (clientId, token) = (devices[i][0], devices[i][1]);
    var options = new MqttClientOptionsBuilder()
        .WithClientId(clientId)
        .WithProtocolVersion(MqttProtocolVersion.V311)
        .WithKeepAlivePeriod(TimeSpan.FromSeconds(300))
        .WithTimeout(TimeSpan.FromSeconds(30))
        .WithWebSocketServer(o => o
            .WithUri($"wss://localhost:{port}/mqtt")
            .WithRequestHeaders(new Dictionary<string, string> { ["x-amz-customauthorizer-name"] = "device-jwt", ["token"] = token }))
        .WithTlsOptions(o => o.UseTls().WithTargetHost("localhost").WithCertificateValidationHandler(Validate))
        .Build();
    var client = factory.CreateMqttClient();
    clients[i] = client;
    try
    {
        await client.ConnectAsync(options).ConfigureAwait(false);
        latencies[i] = clock.Elapsed.TotalMilliseconds - due;
        Interlocked.Increment(ref connected);
    }
    catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException or IOException)
    {
        latencies[i] = double.NaN;
        if (Interlocked.Increment(ref failed) == 1)
        {
            for (Exception? x = e; x is not null; x = x.InnerException)
            {
                Console.Error.WriteLine($"first failure: {x.GetType().Name}: {x.Message}");
            }
        }
    }
}

bool Validate(MqttClientCertificateValidationEventArgs e)
{
    if ((e.SslPolicyErrors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None || e.Certificate is not X509Certificate2 leaf)
    {
        return false;
    }

    using var chain = new X509Chain();
    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
    chain.ChainPolicy.CustomTrustStore.AddRange(trust);
    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
    return chain.Build(leaf);
}

var starts = Enumerable.Range(0, devices.Length).Select(StartAsync).ToArray();
var rampMs = devices.Length * 1000 / rate;
await Task.Delay(TimeSpan.FromMilliseconds(rampMs + 50 + (hold * 1000))).ConfigureAwait(false);
var sorted = latencies.Where(l => !double.IsNaN(l) && l > 0).Order().ToArray();
string P(double q) => sorted.Length == 0 ? "null" : sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(q / 100 * sorted.Length))].ToString("F1", CultureInfo.InvariantCulture);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"client\":\"mqttnet\",\"devices\":{devices.Length},\"connected\":{connected},\"failed\":{failed + (devices.Length - connected - failed)},\"p50Ms\":{P(50)},\"p99Ms\":{P(99)}}}"));
foreach (var c in clients.Where(c => c is not null))
{
    c.Dispose();
}

return 0;
