namespace Simulator.Core.Identity;

/// <summary>What a generated fleet is made from. The same spec always yields the same devices.</summary>
internal sealed record FleetSpec
{
    /// <summary>Nordic's type allocation code for nRF9160 modules; any 8 digits may be configured.</summary>
    public const string DefaultTac = "35240411";

    /// <summary>1NCE SIMs: 89 (telecom) 882 (international) 28 (issuer) 066…; ten digits, then serial and check.</summary>
    public const string DefaultIccidPrefix = "8988228066";

    public const int MaxCount = 1_000_000;

    public required FleetSeed Seed { get; init; }

    public required int Count { get; init; }

    public string Tac { get; init; } = DefaultTac;

    public string IccidPrefix { get; init; } = DefaultIccidPrefix;

    public DeviceIdFormat IdFormat { get; init; } = DeviceIdFormat.Uuid;

    public bool WithCertificates { get; init; }

    /// <summary>Throws <see cref="Errors.InputException"/> naming the bad field.</summary>
    public void Validate(string? source = null)
    {
        if (Count is < 1 or > MaxCount)
        {
            throw new Errors.InputException($"count must be between 1 and {MaxCount}, got {Count}", source, field: "count");
        }

        if (Tac.Length != 8 || !Tac.All(char.IsAsciiDigit))
        {
            throw new Errors.InputException("TAC must be exactly 8 decimal digits", source, field: "tac");
        }

        if (IccidPrefix.Length is < 2 or > 10 || !IccidPrefix.StartsWith("89", StringComparison.Ordinal) || !IccidPrefix.All(char.IsAsciiDigit))
        {
            throw new Errors.InputException("ICCID prefix must be 2 to 10 digits starting with 89", source, field: "iccidPrefix");
        }
    }

    /// <summary>Parses a seed as a user types it: decimal (64 bits) or 64 hex digits (256 bits).</summary>
    public static FleetSeed ParseSeed(string text, string? source = null) => FleetSeed.Parse(text, source);
}
