using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Simulator.Core.Errors;
using Simulator.Core.Health;
using Simulator.Core.Load;
using Simulator.Core.Load.Profiles;
using Simulator.Core.Processes;

namespace Simulator.Hosting;

/// <summary>
/// Checks, before any device starts and before the embedded gateway does, that the run can be
/// carried out here: the gateway section, the CA file, the results folder, the source addresses,
/// file descriptors for every device (and the embedded gateway's side of each connection), and
/// ephemeral ports per source address. A problem is bad input (exit 2) with one clear message.
/// </summary>
internal static class Preflight
{
    /// <summary>Descriptors the runtime, the thread pool, logs and HTTP pools may hold besides the devices.</summary>
    public const int Reserve = 128;

    public static PreflightResult Check(RunOptions profile, string profilePath, string resultsRoot)
    {
        var warnings = new List<string>();
        var embedded = profile.Target.Kind == TargetKind.Embedded;
        Gateway.Config.GatewayOptions? gateway = null;
        if (embedded)
        {
            gateway = TargetEnvironment.EmbeddedGatewayOptions(profile, profilePath);
        }
        else if (profile.Target.CaFile is { } ca)
        {
            warnings.AddRange(CheckCaFile(ca, profilePath));
        }

        CheckResults(resultsRoot);
        CheckSources(profile, profilePath);

        // Devices this process runs at most: the plan's peak over this shard's devices.
        var (shard, shards) = profile.Fleet.Assigned;
        var fleet = profile.Fleet.Directory is null ? profile.Fleet.Count : int.MaxValue;
        var mine = fleet == int.MaxValue ? int.MaxValue : (fleet / shards) + (shard < fleet % shards ? 1 : 0);
        var peak = new LoadPlan(profile.Phases, mine).PeakDevices;

        // One socket per device; the embedded gateway holds the other end in this same process.
        var perDevice = embedded ? 2 : 1;
        var sockets = profile.Device.Scenario == ScenarioKind.NrfCloudLocation ? Math.Min(peak, 256) : peak;
        var open = ProcessLimits.OpenFiles() ?? 0;
        var needed = open + ((long)sockets * perDevice) + Reserve;
        var limit = ProcessLimits.OpenFileLimit();
        if (limit is { } l && needed > l)
        {
            throw new InputException(
                string.Create(CultureInfo.InvariantCulture, $"this run needs about {needed} file descriptors ({sockets} devices × {perDevice}{(embedded ? " (device and embedded-gateway ends)" : string.Empty)} + {open} open now + {Reserve} reserve) but this process may open {l} (ulimit -n). ")
                + "Lower fleet.count or the phases' peak, run the gateway in its own process ('simulator gateway', then target.kind \"endpoint\"), or split the fleet into shards (fleet.shard \"i/N\" in several processes).",
                profilePath,
                field: "$.fleet.count");
        }

        var ports = ProcessLimits.EphemeralPorts();
        var sources = Math.Max(1, profile.Transport.SourceAddresses.Count);
        var perSource = (peak + sources - 1) / sources;
        if (ports is { } range && perSource > range.High - range.Low + 1)
        {
            throw new InputException(
                string.Create(CultureInfo.InvariantCulture, $"{perSource} devices per source address, but one source address has only {range.High - range.Low + 1} ephemeral ports ({range.Low}–{range.High}) to one server port. Add source addresses (transport.sourceAddresses: [\"127.0.0.2\", \"127.0.0.3\", …] on loopback) so that each carries fewer."),
                profilePath,
                field: "$.transport.sourceAddresses");
        }

        return new PreflightResult(peak, needed, limit, perSource, ports is { } p ? p.High - p.Low + 1 : null) { Warnings = warnings, EmbeddedGateway = gateway };
    }

    private static void CheckResults(string resultsRoot)
    {
        try
        {
            Directory.CreateDirectory(resultsRoot);
            var probe = Path.Combine(resultsRoot, $".preflight-{Environment.ProcessId}");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new InputException($"the results folder is not writable: {resultsRoot} ({Plain(e)})", field: "--results");
        }
    }

    private static void CheckSources(RunOptions profile, string profilePath)
    {
        for (var i = 0; i < profile.Transport.SourceAddresses.Count; i++)
        {
            var address = profile.Transport.SourceAddresses[i];
            if (Core.Transport.TransportConnector.TryBind(address) is { } error)
            {
                throw new InputException($"source address {address} cannot be bound here ({error}); on Linux every 127.x.y.z is loopback, other addresses must belong to this machine", profilePath, field: $"$.transport.sourceAddresses[{i}]");
            }
        }
    }

    /// <summary>
    /// The CA file as the handshakes will read it (<see cref="Core.Transport.TlsValidation.LoadCaFile"/>,
    /// which refuses a file without certificates). An expired certificate or one that is not a CA is a
    /// warning: every handshake that chains to it would fail, but the file may hold others.
    /// </summary>
    internal static List<string> CheckCaFile(string ca, string profilePath)
    {
        System.Security.Cryptography.X509Certificates.X509Certificate2Collection certificates;
        try
        {
            certificates = Core.Transport.TlsValidation.LoadCaFile(ca);
        }
        catch (InputException e)
        {
            throw new InputException($"{e.Problem}: {ca}", profilePath, field: "$.target.caFile");
        }

        var warnings = new List<string>();
        var now = DateTime.UtcNow;
        foreach (var certificate in certificates)
        {
            var name = certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, forIssuer: false);
            if (certificate.NotAfter.ToUniversalTime() < now)
            {
                warnings.Add($"the CA file's certificate '{name}' expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}: handshakes that chain to it will fail ({ca})");
            }

            if (certificate.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
            {
                warnings.Add($"the CA file's certificate '{name}' is not a CA certificate (no basicConstraints CA:TRUE): it can anchor only itself ({ca})");
            }
        }

        return warnings;
    }

    private static string Plain(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        FileNotFoundException => "no such file",
        DirectoryNotFoundException => "no such folder",
        _ => e.Message,
    };
}
