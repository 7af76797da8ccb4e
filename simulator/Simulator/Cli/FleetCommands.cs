using System.CommandLine;
using Simulator.Core.Errors;
using Simulator.Core.Identity;
using Simulator.Core.NrfCloud;
using Simulator.Hosting;

namespace Simulator.Cli;

/// <summary><c>simulator fleet create|import|export</c>.</summary>
internal static class FleetCommands
{
    public static Command Create(TextWriter stdout)
    {
        var fleet = new Command("fleet", "Create, import and export fleets of device identities.");
        fleet.Subcommands.Add(CreateCommand(stdout));
        fleet.Subcommands.Add(ImportCommand(stdout));
        fleet.Subcommands.Add(ExportCommand(stdout));
        return fleet;
    }

    private static Command CreateCommand(TextWriter stdout)
    {
        var count = new Option<int>("--count", "-n") { Description = "Number of devices.", Required = true };
        var seed = new Option<string?>("--seed", "-s") { Description = "Decimal (64-bit) or 64-hex-digit (256-bit) seed; the same seed always gives the same fleet, private keys included. Default: a random 256-bit one, printed." };
        var output = new Option<string>("--out", "-o") { Description = "Directory to write (must not exist or be empty).", Required = true };
        var ca = new Option<bool>("--ca") { Description = "Also make a fleet CA and an X.509 certificate per device (CN = device id)." };
        var tac = new Option<string>("--tac") { Description = "8-digit type allocation code of the IMEIs.", DefaultValueFactory = _ => FleetSpec.DefaultTac };
        var idFormat = new Option<string>("--id-format") { Description = "uuid or nrf-imei.", DefaultValueFactory = _ => "uuid" };
        var command = new Command("create", "Write fleet.json, private keys (mode 0600) and, with --ca, certificates.") { count, seed, output, ca, tac, idFormat };
        command.SetAction(parse =>
        {
            // The seed derives every private key: a default anyone knows would make the keys public.
            var given = parse.GetValue(seed);
            var spec = new FleetSpec
            {
                Seed = given is null ? FleetSeed.Random() : FleetSpec.ParseSeed(given),
                Count = parse.GetValue(count),
                Tac = parse.GetValue(tac)!,
                IdFormat = FleetStore.ParseIdFormat(parse.GetValue(idFormat), null),
                WithCertificates = parse.GetValue(ca),
            };
            spec.Validate();
            var dir = parse.GetValue(output)!;
            var created = Writing(dir, () => FleetStore.Create(spec, dir));
            stdout.WriteLine($"created {created.Count} devices in {dir} (seed {spec.Seed}{(given is null ? ", random" : string.Empty)}{(spec.WithCertificates ? ", with CA" : string.Empty)})");
            if (!spec.Seed.IsStrong)
            {
                stdout.WriteLine($"warning: seed {spec.Seed} is short ({spec.Seed.Bits} bits): device ids are public, so anyone who searches for it can derive this fleet's private keys. Use them with the local gateway only, or leave --seed out for a random 256-bit seed before registering the keys anywhere real.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ImportCommand(TextWriter stdout)
    {
        var keys = new Option<string[]>("--keys", "-k") { Description = "Private key PEM files, or directories of them (PKCS#8, SEC1, openssl ecparam -genkey output).", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out", "-o") { Description = "Fleet directory to write.", Required = true };
        var seed = new Option<string>("--seed", "-s") { Description = "Seed for the IMEIs and ICCIDs given to the imported devices.", DefaultValueFactory = _ => "1" };
        var command = new Command("import", "Make a fleet from existing device keys; ids come from the file names (<id>.key.pem, <id>_prv.pem, <id>.pem).") { keys, output, seed };
        command.SetAction(parse =>
        {
            var files = new List<string>();
            foreach (var path in parse.GetValue(keys)!)
            {
                if (Directory.Exists(path))
                {
                    // The nRF Cloud guide's openssl commands leave public-key.pem beside private-key.pem:
                    // a directory's public keys are not devices, so they are skipped.
                    files.AddRange(Directory.EnumerateFiles(path, "*.pem").Where(f => !IsPublicKeyFile(f)).Order(StringComparer.Ordinal));
                }
                else if (File.Exists(path))
                {
                    files.Add(path);
                }
                else
                {
                    throw new InputException("no such file or directory", path, field: "--keys");
                }
            }

            var spec = new FleetSpec { Seed = FleetSpec.ParseSeed(parse.GetValue(seed)!), Count = Math.Max(1, files.Count) };
            var imported = Writing(parse.GetValue(output)!, () => FleetStore.Import(files, parse.GetValue(output)!, spec));
            stdout.WriteLine($"imported {imported.Count} devices into {parse.GetValue(output)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>An output path that cannot be written is the user's to fix: bad input naming --out.</summary>
    private static T Writing<T>(string output, Func<T> write)
    {
        try
        {
            return write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var why = e is UnauthorizedAccessException ? "permission denied" : e.Message;
            throw new InputException($"cannot write here: {why}", output, field: "--out");
        }
    }

    private static bool IsPublicKeyFile(string file)
    {
        try
        {
            var text = File.ReadAllText(file);
            return text.Contains("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal) && !text.Contains("PRIVATE KEY-----", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static Command ExportCommand(TextWriter stdout)
    {
        var fleetDir = new Option<string>("--fleet", "-f") { Description = "Fleet directory.", Required = true };
        var format = new Option<string>("--format") { Description = "nrfcloud-onboard (OnboardDevices CSV) or nrfcloud-public-keys (RegisterPublicKeys CSV).", Required = true };
        format.AcceptOnlyFromAmong("nrfcloud-onboard", "nrfcloud-public-keys");
        var output = new Option<string>("--out", "-o") { Description = "Output file prefix; files are <prefix>-001.csv, -002.csv, … of at most 1000 rows.", Required = true };
        var command = new Command("export", "Write the CSV bodies nRF Cloud's bulk endpoints take.") { fleetDir, format, output };
        command.SetAction(parse =>
        {
            var fleet = FleetStore.Load(parse.GetValue(fleetDir)!);
            var onboard = parse.GetValue(format) == "nrfcloud-onboard";
            var files = NrfCloudCsv.Chunk(fleet.Devices.Select(d => onboard ? NrfCloudCsv.OnboardRow(d.DeviceId, d.CertificatePem ?? d.PublicKeyPem) : NrfCloudCsv.PublicKeyRow(d.DeviceId, d.PublicKeyPem)));
            var prefix = parse.GetValue(output)!;
            var dir = Path.GetDirectoryName(Path.GetFullPath(prefix));
            Writing(prefix, () =>
            {
                if (dir is not null)
                {
                    Directory.CreateDirectory(dir);
                }

                for (var i = 0; i < files.Count; i++)
                {
                    var path = $"{prefix}-{i + 1:D3}.csv";
                    File.WriteAllText(path, files[i]);
                    stdout.WriteLine(path);
                }

                return files.Count;
            });

            return ExitCodes.Ok;
        });
        return command;
    }
}
