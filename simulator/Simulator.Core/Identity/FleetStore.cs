using System.Security.Cryptography;
using System.Text.Json;
using Simulator.Core.Errors;

namespace Simulator.Core.Identity;

/// <summary>
/// Fleet directories: fleet.json, keys/&lt;id&gt;.key.pem (0600), certs/, ca/. A directory is written
/// beside its target and renamed into place only when whole, so a failure never leaves a partial
/// fleet that looks complete.
/// </summary>
internal static class FleetStore
{
    public const string ManifestFile = "fleet.json";

    public static Fleet Create(FleetSpec spec, string outDir)
    {
        var fleet = Fleet.Generate(spec);
        using var ca = fleet.CreateCa();
        WriteAtomically(outDir, tmp =>
        {
            string? caFile = null;
            if (ca is not null)
            {
                Directory.CreateDirectory(Path.Combine(tmp, "ca"));
                caFile = "ca/ca.crt.pem";
                File.WriteAllText(Path.Combine(tmp, caFile), ca.CertificatePem);
                SecretFile.Write(Path.Combine(tmp, "ca/ca.key.pem"), ca.PrivateKeyPem);
            }

            WriteDevices(tmp, fleet, "generated", spec, caFile);
        });
        return fleet;
    }

    /// <summary>Imports existing private keys; ids come from the file names, IMEI and ICCID from the seed.</summary>
    public static Fleet Import(IReadOnlyList<string> keyFiles, string outDir, FleetSpec spec)
    {
        if (keyFiles.Count == 0)
        {
            throw new InputException("no key files to import", field: "keys");
        }

        var keys = new List<(string Id, ECParameters Key)>(keyFiles.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in keyFiles)
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (IOException e)
            {
                throw new InputException($"cannot read: {e.Message}", file);
            }
            catch (UnauthorizedAccessException)
            {
                throw new InputException("permission denied", file);
            }

            var key = KeyPem.ReadPrivateKey(text, file);
            var id = DeviceIdFromFileName(file);
            if (!ids.Add(id))
            {
                throw new InputException($"device id '{id}' appears twice among the key files", file);
            }

            keys.Add((id, key));
        }

        var devices = new List<DeviceIdentity>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            devices.Add(new DeviceIdentity(
                i,
                keys[i].Id,
                FleetDerivation.Imei(spec.Seed, spec.Tac, i),
                FleetDerivation.Iccid(spec.Seed, spec.IccidPrefix, i),
                KeyPem.WritePublicKey(keys[i].Key),
                null));
        }

        var fleet = Fleet.FromIdentities(devices, i => keys[i].Key, null);
        WriteAtomically(outDir, tmp => WriteDevices(tmp, fleet, "imported", spec with { Count = keys.Count }, null));
        return Load(outDir);
    }

    private static (FleetManifest Manifest, string Path) ReadManifest(string dir)
    {
        var path = Path.Combine(dir, ManifestFile);
        FleetManifest manifest;
        try
        {
            using var stream = File.OpenRead(path);
            manifest = JsonSerializer.Deserialize(stream, FleetJsonContext.Default.FleetManifest)
                ?? throw new InputException("fleet.json is empty (null)", path);
        }
        catch (FileNotFoundException)
        {
            throw new InputException("no fleet.json here; create one with 'simulator fleet create'", path);
        }
        catch (DirectoryNotFoundException)
        {
            throw new InputException("fleet directory does not exist", path);
        }
        catch (JsonException e)
        {
            throw new InputException(JsonProblem(e), path, e.LineNumber + 1, e.Path);
        }

        return (manifest, path);
    }

    /// <summary>
    /// The private key of one device as its key file holds it, checked against the public key
    /// fleet.json lists for that device: a replaced or edited key file is refused, never used silently.
    /// </summary>
    public static (ECParameters Key, string KeyFile) ReadDeviceKey(string dir, int index) => ReadDeviceKeys(dir, index, 1)[0];

    /// <summary>As <see cref="ReadDeviceKey"/> for devices <paramref name="from"/> to from + count − 1, reading fleet.json once.</summary>
    public static List<(ECParameters Key, string KeyFile)> ReadDeviceKeys(string dir, int from, int count)
    {
        var (manifest, path) = ReadManifest(dir);
        if (from < 0 || count < 1 || from + count > manifest.Devices.Count)
        {
            throw new InputException($"devices {from} to {from + count - 1} are outside the fleet (0..{manifest.Devices.Count - 1})", path, field: "devices");
        }

        var keys = new List<(ECParameters, string)>(count);
        for (var index = from; index < from + count; index++)
        {
            var d = manifest.Devices[index];
            var keyPath = Path.Combine(dir, d.PrivateKeyFile);
            var key = KeyPem.ReadPrivateKey(ReadText(keyPath), keyPath);
            var listed = KeyPem.ReadPublicKey(d.PublicKeyPem, path);
            if (!key.Q.X.AsSpan().SequenceEqual(listed.Q.X) || !key.Q.Y.AsSpan().SequenceEqual(listed.Q.Y))
            {
                CryptographicOperations.ZeroMemory(key.D);
                throw new InputException(
                    $"this key file does not hold the key fleet.json lists for device {d.DeviceId} (devices[{index}].publicKeyPem); it was replaced or edited",
                    keyPath);
            }

            keys.Add((key, keyPath));
        }

        return keys;
    }

    public static Fleet Load(string dir)
    {
        var (manifest, path) = ReadManifest(dir);

        if (manifest.SchemaVersion != FleetManifest.CurrentSchemaVersion)
        {
            throw new InputException($"schemaVersion {manifest.SchemaVersion} is not supported (expected {FleetManifest.CurrentSchemaVersion})", path, field: "schemaVersion");
        }

        if (manifest.Devices.Count != manifest.Count)
        {
            throw new InputException($"count says {manifest.Count} but {manifest.Devices.Count} devices are listed", path, field: "count");
        }

        for (var i = 0; i < manifest.Devices.Count; i++)
        {
            var d = manifest.Devices[i];
            if (d.Index != i)
            {
                throw new InputException($"index {d.Index} found where {i} was expected", path, field: $"devices[{i}].index");
            }

            if (!Luhn.IsValid(d.Iccid))
            {
                throw new InputException("ICCID has a wrong Luhn check digit", path, field: $"devices[{i}].iccid");
            }

            if (d.Imei.Length != 15 || !Luhn.IsValid(d.Imei))
            {
                throw new InputException("IMEI must be 15 digits with a valid Luhn check digit", path, field: $"devices[{i}].imei");
            }
        }

        string? caPem = manifest.CaCertificateFile is { } caFile ? ReadText(Path.Combine(dir, caFile)) : null;
        switch (manifest.Source)
        {
            case "generated":
                var spec = new FleetSpec
                {
                    Seed = FleetSpec.ParseSeed(manifest.Seed ?? string.Empty, path),
                    Count = manifest.Count,
                    Tac = manifest.Tac ?? FleetSpec.DefaultTac,
                    IccidPrefix = manifest.IccidPrefix ?? FleetSpec.DefaultIccidPrefix,
                    IdFormat = ParseIdFormat(manifest.IdFormat, path),
                    WithCertificates = caPem is not null,
                };
                spec.Validate(path);
                var generated = Fleet.Generate(spec);
                if (generated[0].PublicKeyPem != manifest.Devices[0].PublicKeyPem)
                {
                    throw new InputException("the keys derived from the seed do not match the listed public keys; the file was edited or made by another version", path, field: "devices[0].publicKeyPem");
                }

                return generated;
            case "imported":
                var devices = manifest.Devices.Select(d => new DeviceIdentity(d.Index, d.DeviceId, d.Imei, d.Iccid, d.PublicKeyPem, d.CertificateFile is { } c ? ReadText(Path.Combine(dir, c)) : null)).ToList();
                return Fleet.FromIdentities(
                    devices,
                    i =>
                    {
                        var keyPath = Path.Combine(dir, manifest.Devices[i].PrivateKeyFile);
                        return KeyPem.ReadPrivateKey(ReadText(keyPath), keyPath);
                    },
                    caPem);
            default:
                throw new InputException($"source must be 'generated' or 'imported', got '{manifest.Source}'", path, field: "source");
        }
    }

    public static DeviceIdFormat ParseIdFormat(string? text, string? source) => text switch
    {
        null or "uuid" => DeviceIdFormat.Uuid,
        "nrf-imei" => DeviceIdFormat.NrfImei,
        _ => throw new InputException($"idFormat must be 'uuid' or 'nrf-imei', got '{text}'", source, field: "idFormat"),
    };

    /// <summary>nRF Cloud utils name keys &lt;id&gt;.key.pem (Node) or &lt;prefix&gt;&lt;id&gt;_prv.pem (Python).</summary>
    internal static string DeviceIdFromFileName(string file)
    {
        var name = Path.GetFileName(file);
        foreach (var suffix in (ReadOnlySpan<string>)[".key.pem", "_prv.pem", ".pem", ".key"])
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                name = name[..^suffix.Length];
                break;
            }
        }

        if (!NrfCloud.NrfCloudCsv.IsValidDeviceId(name))
        {
            throw new InputException($"'{name}' (from the file name) is not a valid device id: 1 to 128 of a-z 0-9 : _ -", file);
        }

        return name;
    }

    private static void WriteDevices(string dir, Fleet fleet, string source, FleetSpec spec, string? caFile)
    {
        Directory.CreateDirectory(Path.Combine(dir, "keys"));
        var withCerts = fleet.Devices.Any(d => d.CertificatePem is not null);
        if (withCerts)
        {
            Directory.CreateDirectory(Path.Combine(dir, "certs"));
        }

        var rows = new List<FleetManifestDevice>(fleet.Count);
        foreach (var d in fleet.Devices)
        {
            var keyFile = $"keys/{d.DeviceId}.key.pem";
            var key = fleet.GetPrivateKey(d.Index);
            SecretFile.Write(Path.Combine(dir, keyFile), KeyPem.WritePrivateKeyPkcs8(key));
            CryptographicOperations.ZeroMemory(key.D);
            string? certFile = null;
            if (d.CertificatePem is { } cert)
            {
                certFile = $"certs/{d.DeviceId}.crt.pem";
                File.WriteAllText(Path.Combine(dir, certFile), cert);
            }

            rows.Add(new FleetManifestDevice
            {
                Index = d.Index,
                DeviceId = d.DeviceId,
                Imei = d.Imei,
                Iccid = d.Iccid,
                PublicKeyPem = d.PublicKeyPem,
                PrivateKeyFile = keyFile,
                CertificateFile = certFile,
            });
        }

        var manifest = new FleetManifest
        {
            SchemaVersion = FleetManifest.CurrentSchemaVersion,
            Source = source,
            Seed = source == "generated" ? spec.Seed.ToString() : null,
            Count = fleet.Count,
            Tac = spec.Tac,
            IccidPrefix = spec.IccidPrefix,
            IdFormat = spec.IdFormat == DeviceIdFormat.NrfImei ? "nrf-imei" : "uuid",
            CaCertificateFile = caFile,
            Devices = rows,
        };
        // fleet.json holds the seed every key derives from: as secret as the keys, so 0600 too.
        SecretFile.Write(Path.Combine(dir, ManifestFile), JsonSerializer.Serialize(manifest, FleetJsonContext.Default.FleetManifest));
    }

    private static void WriteAtomically(string outDir, Action<string> write)
    {
        var full = Path.GetFullPath(outDir);
        if (File.Exists(full) || (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any()))
        {
            throw new InputException("output directory already exists and is not empty; choose another or remove it", outDir);
        }

        var parent = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(parent);
        var tmp = Path.Combine(parent, $".{Path.GetFileName(full)}.partial-{Environment.ProcessId}");
        if (Directory.Exists(tmp))
        {
            Directory.Delete(tmp, recursive: true);
        }

        var tmpOptions = Directory.CreateDirectory(tmp);
        if (!OperatingSystem.IsWindows())
        {
            tmpOptions.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }

        try
        {
            write(tmp);
            if (Directory.Exists(full))
            {
                Directory.Delete(full);
            }

            Directory.Move(tmp, full);
        }
        catch
        {
            Directory.Delete(tmp, recursive: true);
            throw;
        }
    }

    private static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"cannot read: {e.Message}", path);
        }
    }

    private static string JsonProblem(JsonException e)
    {
        // System.Text.Json appends "Path: … | LineNumber: …" which we print in our own form.
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return "invalid fleet.json: " + (cut > 0 ? message[..cut] : message);
    }
}
