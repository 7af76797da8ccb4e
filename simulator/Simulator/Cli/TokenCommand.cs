using System.CommandLine;
using System.Security.Cryptography;
using Simulator.Core.Identity;
using Simulator.Core.Tokens;

namespace Simulator.Cli;

/// <summary><c>simulator token</c>: one device JWT, as AT%JWT would print it.</summary>
public static class TokenCommand
{
    public static Command Create(TextWriter stdout)
    {
        var fleetDir = new Option<string>("--fleet", "-f") { Description = "Fleet directory.", Required = true };
        var device = new Option<int>("--device", "-d") { Description = "Device index.", DefaultValueFactory = _ => 0 };
        var iss = new Option<bool>("--iss") { Description = "Name the device in iss as nrf9160.<id> (AT%JWT without subject)." };
        var sub = new Option<bool>("--sub") { Description = "Name the device in sub (the default)." };
        var ttl = new Option<int>("--ttl") { Description = "Lifetime in seconds (0 = no iat/exp; at most 604800).", DefaultValueFactory = _ => DeviceTokenOptions.DefaultLifetimeSeconds };
        var aud = new Option<string?>("--aud") { Description = "Audience claim." };
        var command = new Command("token", "Print one ES256 device token.") { fleetDir, device, iss, sub, ttl, aud };
        command.Validators.Add(r =>
        {
            if (r.GetValue(iss) && r.GetValue(sub))
            {
                r.AddError("--iss and --sub are exclusive");
            }
        });
        command.SetAction(parse =>
        {
            var fleet = FleetStore.Load(parse.GetValue(fleetDir)!);
            var index = parse.GetValue(device);
            var identity = fleet[index];
            var key = fleet.GetPrivateKey(index);
            var options = new DeviceTokenOptions
            {
                ClaimMode = parse.GetValue(iss) ? DeviceClaimMode.Issuer : DeviceClaimMode.Subject,
                LifetimeSeconds = parse.GetValue(ttl),
                Audience = parse.GetValue(aud),
            };
            using var minter = new DeviceTokenMinter(Es256Signer.Create(key), identity.DeviceId, options);
            CryptographicOperations.ZeroMemory(key.D);
            stdout.WriteLine(minter.Mint(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
            return ExitCodes.Ok;
        });
        return command;
    }
}
