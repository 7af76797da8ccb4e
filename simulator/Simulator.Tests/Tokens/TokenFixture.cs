using System.Security.Cryptography;
using Simulator.Core.Identity;
using Simulator.Core.Tokens;

namespace Simulator.Tests.Tokens;

/// <summary>A small fleet and a verifier that knows its keys.</summary>
internal static class TokenFixture
{
    public static readonly Fleet Fleet = Fleet.Generate(new FleetSpec { Seed = 2024, Count = 4 });

    public static DeviceTokenMinter Minter(int index, DeviceTokenOptions? options = null) =>
        new(Es256Signer.Create(Fleet.GetPrivateKey(index)), Fleet[index].DeviceId, options ?? new DeviceTokenOptions());

    public static ECDsa PublicKey(int index)
    {
        var ec = ECDsa.Create();
        ec.ImportFromPem(Fleet[index].PublicKeyPem);
        return ec;
    }

    public static DeviceTokenVerifier Verifier()
    {
        var keys = Enumerable.Range(0, Fleet.Count).ToDictionary(i => Fleet[i].DeviceId, PublicKey);
        return new DeviceTokenVerifier(id => keys.GetValueOrDefault(id));
    }

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}
