using System.Diagnostics;

namespace Simulator.Tests.Support;

/// <summary>
/// A real mosquitto (Debian's) on free loopback ports: an anonymous TCP listener, a TLS listener
/// with a test CA, a TCP listener that needs a password (password_file), and an anonymous TCP
/// listener with an ACL that allows the <c>open/#</c> topics only. It speaks 3.1.1 and 5.0 on each.
/// </summary>
public sealed class Mosquitto : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private Process? _process;

    public int TcpPort { get; } = Ports.Free();

    public int TlsPort { get; } = Ports.Free();

    public int AuthPort { get; } = Ports.Free();

    public int AclPort { get; } = Ports.Free();

    public TestCa Ca { get; private set; } = null!;

    public const string User = "device";
    public const string Password = "s3cret";

    public async Task InitializeAsync()
    {
        Ca = new TestCa(_dir["tls"]);
        var passwd = _dir["passwd"];
        await Proc.CheckAsync("mosquitto_passwd", ["-c", "-b", passwd, User, Password]);
        var acl = _dir["acl"];
        File.WriteAllText(acl, "topic readwrite open/#\n");
        var conf = _dir["mosquitto.conf"];
        File.WriteAllText(conf, $"""
            per_listener_settings true
            log_dest stderr
            listener {TcpPort} 127.0.0.1
            allow_anonymous true
            listener {TlsPort} 127.0.0.1
            allow_anonymous true
            cafile {Ca.CaFile}
            certfile {Ca.CertFile}
            keyfile {Ca.KeyFile}
            listener {AuthPort} 127.0.0.1
            allow_anonymous false
            password_file {passwd}
            listener {AclPort} 127.0.0.1
            allow_anonymous true
            acl_file {acl}

            """);
        var exe = File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";
        _process = Process.Start(new ProcessStartInfo(exe, ["-c", conf]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        await Ports.WaitOpenAsync(TcpPort, TimeSpan.FromSeconds(10));
        await Ports.WaitOpenAsync(TlsPort, TimeSpan.FromSeconds(10));
        await Ports.WaitOpenAsync(AuthPort, TimeSpan.FromSeconds(10));
        await Ports.WaitOpenAsync(AclPort, TimeSpan.FromSeconds(10));
    }

    public Task DisposeAsync()
    {
        try
        {
            _process?.Kill();
            _process?.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }

        _process?.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }
}
