using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using LibSslFloor;

// The "beyond SslStream" prototype: the bare TLS client of bench/peers/sslfloor, but driving
// libssl 3 directly instead of SslStream, with the same validation (the gateway's CA file as the only
// trust anchor, the peer's chain, name "localhost" and dates checked by OpenSSL's verifier), full
// handshakes (no session cache, no tickets), and SSL_MODE_RELEASE_BUFFERS so an idle connection
// holds no record buffers. Same schedule: N clients started at RATE per second, each holding its idle
// connection HOLD seconds. Blocking sockets on a few threads; the threads' cost is the same at both
// sizes, so the bench's slope leaves it out. Prints one JSON line.
// Usage: libssl-floor PORT CAFILE COUNT RATE HOLD_SECONDS
if (args.Length != 5)
{
    Console.Error.WriteLine("usage: libssl-floor PORT CAFILE COUNT RATE HOLD_SECONDS");
    return 2;
}

var port = int.Parse(args[0], CultureInfo.InvariantCulture);
var count = int.Parse(args[2], CultureInfo.InvariantCulture);
var rate = double.Parse(args[3], CultureInfo.InvariantCulture);
var hold = double.Parse(args[4], CultureInfo.InvariantCulture);

var ctx = LibSsl.SSL_CTX_new(LibSsl.TLS_client_method());
if (ctx == 0 || LibSsl.SSL_CTX_load_verify_locations(ctx, args[1], null) != 1)
{
    Console.Error.WriteLine($"cannot load the CA file {args[1]}: {LibSsl.LastError()}");
    return 2;
}

LibSsl.SSL_CTX_set_verify(ctx, LibSsl.SslVerifyPeer, 0);
LibSsl.SSL_CTX_ctrl(ctx, LibSsl.SslCtrlMode, LibSsl.SslModeReleaseBuffers, 0);
LibSsl.SSL_CTX_ctrl(ctx, LibSsl.SslCtrlSetSessCacheMode, LibSsl.SslSessCacheOff, 0);
LibSsl.SSL_CTX_ctrl(ctx, LibSsl.SslCtrlSetMinProtoVersion, LibSsl.Tls12Version, 0);
LibSsl.SSL_CTX_set_options(ctx, LibSsl.SslOpNoTicket);
var sni = Marshal.StringToHGlobalAnsi("localhost");

var sockets = new Socket?[count];
var sessions = new nint[count];
var latencies = new double[count];
var connected = 0;
var failed = 0;
var next = -1;
var clock = Stopwatch.StartNew();
const double T0 = 50;

void Worker()
{
    int i;
    while ((i = Interlocked.Increment(ref next)) < count)
    {
        var due = T0 + (i * 1000 / rate);
        var wait = due - clock.Elapsed.TotalMilliseconds;
        if (wait > 0)
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(wait));
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        string? error = null;
        try
        {
            socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
            var ssl = LibSsl.SSL_new(ctx);
            sessions[i] = ssl;
            sockets[i] = socket;
            LibSsl.SSL_set_fd(ssl, (int)socket.Handle);
            LibSsl.SSL_ctrl(ssl, LibSsl.SslCtrlSetTlsextHostname, 0, sni);
            LibSsl.SSL_set1_host(ssl, "localhost");
            if (LibSsl.SSL_connect(ssl) != 1)
            {
                error = $"handshake failed: {LibSsl.LastError()} (verify result {LibSsl.SSL_get_verify_result(ssl)})";
            }
        }
        catch (SocketException e)
        {
            error = e.Message;
        }

        if (error is null)
        {
            latencies[i] = clock.Elapsed.TotalMilliseconds - due;
            Interlocked.Increment(ref connected);
        }
        else
        {
            latencies[i] = double.NaN;
            if (Interlocked.Increment(ref failed) == 1)
            {
                Console.Error.WriteLine($"first failure: {error}");
            }
        }
    }
}

// Enough threads that a handshake waiting on the gateway does not hold up the schedule.
var threads = Enumerable.Range(0, 16).Select(_ => new Thread(Worker) { IsBackground = true }).ToArray();
foreach (var t in threads)
{
    t.Start();
}

foreach (var t in threads)
{
    t.Join();
}

var end = T0 + (count * 1000 / rate) + (hold * 1000);
var left = end - clock.Elapsed.TotalMilliseconds;
if (left > 0)
{
    Thread.Sleep(TimeSpan.FromMilliseconds(left));
}

var sorted = latencies.Where(l => !double.IsNaN(l) && l > 0).Order().ToArray();
string P(double q) => sorted.Length == 0 ? "null" : sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(q / 100 * sorted.Length))].ToString("F1", CultureInfo.InvariantCulture);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"client\":\"libssl-floor\",\"devices\":{count},\"connected\":{connected},\"failed\":{count - connected},\"p50Ms\":{P(50)},\"p99Ms\":{P(99)}}}"));
for (var i = 0; i < count; i++)
{
    if (sessions[i] != 0)
    {
        LibSsl.SSL_free(sessions[i]);
    }

    sockets[i]?.Dispose();
}

return 0;
