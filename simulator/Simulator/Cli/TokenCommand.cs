using System.CommandLine;
using System.Security.Cryptography;
using Simulator.Core.Identity;
using Simulator.Core.Tokens;
using Simulator.Hosting;

namespace Simulator.Cli;

/// <summary><c>simulator token</c>: one device JWT, as AT%JWT would print it.</summary>
internal static class TokenCommand
{
    public static Command Create(TextWriter stdout)
    {
        var fleetDir = new Option<string>("--fleet", "-f") { Description = "Fleet directory.", Required = true };
        var device = new Option<int>("--device", "-d") { Description = "Device index.", DefaultValueFactory = _ => 0 };
        var iss = new Option<bool>("--iss") { Description = "Name the device in iss as nrf9160.<id> (AT%JWT without subject)." };
        var sub = new Option<bool>("--sub") { Description = "Name the device in sub (the default)." };
        var ttl = new Option<int>("--ttl") { Description = "Lifetime in seconds (0 = no iat/exp; at most 604800).", DefaultValueFactory = _ => DeviceTokenOptions.DefaultLifetimeSeconds };
        var aud = new Option<string?>("--aud") { Description = "Audience claim." };
        var count = new Option<int>("--count") { Description = "Tokens for this many devices from --device on, one line each: '<device id> <token>'.", DefaultValueFactory = _ => 0 };
        var command = new Command("token", "Print one ES256 device token (or, with --count, one per device).") { fleetDir, device, iss, sub, ttl, aud, count };
        command.Validators.Add(r =>
        {
            if (r.GetValue(iss) && r.GetValue(sub))
            {
                r.AddError("--iss and --sub are exclusive");
            }
        });
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(fleetDir)!;
            var fleet = FleetStore.Load(dir);
            var index = parse.GetValue(device);
            var options = new DeviceTokenOptions
            {
                ClaimMode = parse.GetValue(iss) ? DeviceClaimMode.Issuer : DeviceClaimMode.Subject,
                LifetimeSeconds = parse.GetValue(ttl),
                Audience = parse.GetValue(aud),
            };

            // Sign with the key file the fleet lists for each device, refused if it is not the listed key.
            var many = parse.GetValue(count);
            if (many < 0)
            {
                throw new Core.Errors.InputException($"--count must be 0 (one token, alone on its line) or more, got {many}", field: "--count");
            }

            _ = fleet[index]; // an index outside the fleet is named with the fleet's range
            _ = fleet[index + Math.Max(1, many) - 1];
            var keys = FleetStore.ReadDeviceKeys(dir, index, Math.Max(1, many));
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            for (var k = 0; k < keys.Count; k++)
            {
                var key = keys[k].Key;
                var id = fleet[index + k].DeviceId;
                using var minter = new DeviceTokenMinter(Es256Signer.Create(key), id, options);
                CryptographicOperations.ZeroMemory(key.D);
                stdout.WriteLine(many == 0 ? minter.Mint(now) : $"{id} {minter.Mint(now)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
