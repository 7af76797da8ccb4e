using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

// .NET's TLS floor for the connect bench: N bare SslStream clients against the same gateway and
// certificate as the MQTT clients, started at RATE per second on the same schedule, each doing one
// full TLS handshake (SslStream builds the chain once, against the gateway's CA through
// CertificateChainPolicy, name and dates checked) and then holding the idle connection HOLD
// seconds. No WebSocket, no MQTT, no token: what any .NET client pays before its protocol starts.
// Prints one JSON line. Usage: sslstream-floor PORT CAFILE COUNT RATE HOLD_SECONDS
if (args.Length != 5)
{
    Console.Error.WriteLine("usage: sslstream-floor PORT CAFILE COUNT RATE HOLD_SECONDS");
    return 2;
}

var port = int.Parse(args[0], CultureInfo.InvariantCulture);
var trust = new X509Certificate2Collection();
trust.ImportFromPemFile(args[1]);
var count = int.Parse(args[2], CultureInfo.InvariantCulture);
var rate = double.Parse(args[3], CultureInfo.InvariantCulture);
var hold = double.Parse(args[4], CultureInfo.InvariantCulture);
var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
policy.CustomTrustStore.AddRange(trust);

var streams = new SslStream?[count];
var latencies = new double[count];
var connected = 0;
var failed = 0;
var clock = Stopwatch.StartNew();
const double T0 = 50;

async Task StartAsync(int i)
{
    var due = T0 + (i * 1000 / rate);
    var wait = due - clock.Elapsed.TotalMilliseconds;
    if (wait > 0)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(wait)).ConfigureAwait(false);
    }

    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    try
    {
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).ConfigureAwait(false);
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true));
        streams[i] = ssl;
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            CertificateChainPolicy = policy,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        }).ConfigureAwait(false);
        latencies[i] = clock.Elapsed.TotalMilliseconds - due;
        Interlocked.Increment(ref connected);
    }
    catch (Exception e) when (e is SocketException or AuthenticationException or IOException)
    {
        socket.Dispose();
        latencies[i] = double.NaN;
        if (Interlocked.Increment(ref failed) == 1)
        {
            Console.Error.WriteLine($"first failure: {e.GetType().Name}: {e.Message}");
        }
    }
}

_ = Enumerable.Range(0, count).Select(StartAsync).ToArray();
await Task.Delay(TimeSpan.FromMilliseconds((count * 1000 / rate) + T0 + (hold * 1000))).ConfigureAwait(false);
var sorted = latencies.Where(l => !double.IsNaN(l) && l > 0).Order().ToArray();
string P(double q) => sorted.Length == 0 ? "null" : sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(q / 100 * sorted.Length))].ToString("F1", CultureInfo.InvariantCulture);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"client\":\"sslstream-floor\",\"devices\":{count},\"connected\":{connected},\"failed\":{count - connected},\"p50Ms\":{P(50)},\"p99Ms\":{P(99)}}}"));
foreach (var s in streams)
{
    s?.Dispose();
}

return 0;
